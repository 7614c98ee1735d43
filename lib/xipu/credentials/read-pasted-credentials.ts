import type { XipuCredentials } from '@/lib/xipu/api/xipu-api';

/**
 * The admin page's "paste credentials" fields, named after the request headers the owner
 * copies from the browser's network panel (docs/xipu-protocol.md "Hosts and headers").
 */
export const PASTED_CREDENTIAL_FIELDS = { jmToken: 'jm-token', sdpSession: 'sdp-app-session' } as const;

/** Longest value accepted for either field (a jm-token JWT is a few hundred characters). */
const MAX_CREDENTIAL_LENGTH = 4_096;

export type PastedCredentials = { ok: true; credentials: XipuCredentials } | { ok: false; problems: string[] };

/**
 * The pair a person pasted: each field the bare value, or the header line as copied
 * (`jm-token: …`, quotes allowed). Refuses an empty, overlong or multi-word value, naming the
 * field, never echoing the value.
 */
export function readPastedCredentials(form: { get(name: string): unknown }): PastedCredentials {
  const jmToken = cleanPastedValue(form.get(PASTED_CREDENTIAL_FIELDS.jmToken), PASTED_CREDENTIAL_FIELDS.jmToken);
  const sdpSession = cleanPastedValue(form.get(PASTED_CREDENTIAL_FIELDS.sdpSession), PASTED_CREDENTIAL_FIELDS.sdpSession);
  if (!jmToken.ok || !sdpSession.ok) return { ok: false, problems: [jmToken, sdpSession].flatMap((field) => (field.ok ? [] : [field.problem])) };
  return { ok: true, credentials: { jmToken: jmToken.value, sdpSession: sdpSession.value } };
}

type CleanedValue = { ok: true; value: string } | { ok: false; problem: string };

function cleanPastedValue(raw: unknown, header: string): CleanedValue {
  let value = (typeof raw === 'string' ? raw : '').trim();
  const prefix = new RegExp(`^${header}\\s*:\\s*`, 'i');
  value = value.replace(prefix, '').replace(/^["']|["']$/g, '').trim();
  if (value === '') return { ok: false, problem: `${header} is empty` };
  if (value.length > MAX_CREDENTIAL_LENGTH) return { ok: false, problem: `${header} is longer than ${MAX_CREDENTIAL_LENGTH} characters` };
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return { ok: false, problem: `${header} contains spaces or line breaks (copy only the value)` };
  return { ok: true, value };
}
