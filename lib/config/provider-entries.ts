import { decodeJwt } from 'jose';
import { z } from 'zod';

/*
 * The JSON variables that describe several accounts and upstreams (docs/providers.md):
 * XIPU_ACCOUNTS and UPSTREAMS. Parsed with zod like the rest of the environment; a message
 * names the entry by its position or id and never echoes a secret.
 */

/** One XIPU account of XIPU_ACCOUNTS. */
export interface XipuAccountEntry {
  /** Stable: the entry's `id`, else derived from its username or its token's subject — never its position. */
  id: string;
  username?: string;
  password?: string;
  /** Credentials given by hand (`jmToken` + `sdpSession`). */
  manualCredentials?: { jmToken: string; sdpSession: string };
}

/** One OpenAI-compatible upstream of UPSTREAMS. */
export interface UpstreamEntry {
  id: string;
  /** Without a trailing slash; `…/v1` as the upstream documents it (`{baseUrl}/chat/completions`). */
  baseUrl: string;
  apiKey?: string;
  /** Omitted: read from `GET {baseUrl}/models` and cached. */
  models?: string[];
}

/** Ids become part of store keys and of `owned_by`: letters, digits, `.`, `_`, `-`. */
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** An entry's id (UPSTREAMS, a registered worker): ID_PATTERN. */
export const entryIdSchema = z.string().trim().regex(ID_PATTERN, { message: 'an id is 1 to 64 letters, digits, dots, underscores or dashes' });
/**
 * A XIPU account's id: short, and safe inside its store keys (`xipu-gw:account:<id>:…`) and a
 * log line. lib/xipu/account/account-keys.ts checks keys against this same pattern.
 */
export const XIPU_ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
const xipuIdSchema = z.string().trim().regex(XIPU_ACCOUNT_ID_PATTERN, { message: 'an account id is 1 to 32 lower-case letters, digits or dashes, starting with a letter or digit' });
const text = z.string().trim().min(1);
/** An OpenAI-compatible server's base URL (`…/v1`): http(s), the trailing slash removed. */
export const baseUrlSchema = z.url({ protocol: /^https?$/, message: 'baseUrl: expected an http(s) URL' }).transform((value) => value.replace(/\/+$/, ''));

const xipuAccountSchema = z
  .object({
    id: xipuIdSchema.optional(),
    username: text.optional(),
    password: text.optional(),
    jmToken: text.optional(),
    sdpSession: text.optional(),
  })
  .strict();

const upstreamSchema = z
  .object({
    id: entryIdSchema,
    baseUrl: baseUrlSchema,
    apiKey: text.optional(),
    models: z.array(text).min(1).optional(),
  })
  .strict();

export type EntriesResult<T> = { ok: true; entries: T[] } | { ok: false; message: string };

/** XIPU_ACCOUNTS: a JSON array of `{ id?, username, password }` and/or `{ id?, jmToken, sdpSession }`. */
export function parseXipuAccounts(raw: string): EntriesResult<XipuAccountEntry> {
  const list = parseJsonArray(raw, 'XIPU_ACCOUNTS');
  if (!list.ok) return list;
  const entries: XipuAccountEntry[] = [];
  for (const [index, item] of list.items.entries()) {
    const parsed = xipuAccountSchema.safeParse(item);
    const where = `XIPU_ACCOUNTS entry ${index + 1}`;
    if (!parsed.success) return { ok: false, message: `${where}: ${describeIssue(parsed.error)}` };
    const { id, username, password, jmToken, sdpSession } = parsed.data;
    if (Boolean(username) !== Boolean(password)) return { ok: false, message: `${where}: username and password go together` };
    if (Boolean(jmToken) !== Boolean(sdpSession)) return { ok: false, message: `${where}: jmToken and sdpSession go together` };
    if (!username && !jmToken) return { ok: false, message: `${where}: needs username and password, or jmToken and sdpSession` };
    const stableId = id ?? idFromUsername(username) ?? idFromToken(jmToken);
    if (!stableId) return { ok: false, message: `${where}: give it an "id" (its token has no subject to name it by)` };
    entries.push({
      id: stableId,
      username,
      password,
      manualCredentials: jmToken && sdpSession ? { jmToken, sdpSession } : undefined,
    });
  }
  return checkUniqueIds(entries, 'XIPU_ACCOUNTS');
}

/** UPSTREAMS: a JSON array of `{ id, baseUrl, apiKey?, models? }`. */
export function parseUpstreams(raw: string): EntriesResult<UpstreamEntry> {
  const list = parseJsonArray(raw, 'UPSTREAMS');
  if (!list.ok) return list;
  const entries: UpstreamEntry[] = [];
  for (const [index, item] of list.items.entries()) {
    const parsed = upstreamSchema.safeParse(item);
    if (!parsed.success) return { ok: false, message: `UPSTREAMS entry ${index + 1}: ${describeIssue(parsed.error)}` };
    entries.push(parsed.data);
  }
  return checkUniqueIds(entries, 'UPSTREAMS');
}

/** `Alice.Smith21@student.xjtlu.edu.cn` → `alice-smith21`: the part before `@`, lower case, other characters as `-`, at most 32. */
export function idFromUsername(username: string | undefined): string | undefined {
  if (!username) return undefined;
  const local = username.split('@')[0] ?? username;
  const id = local.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 32).replace(/-+$/, '');
  return id || undefined;
}

/** The jm-token's JWT subject (`sub`), made an id; undefined for a token without one. */
export function idFromToken(jmToken: string | undefined): string | undefined {
  if (!jmToken) return undefined;
  try {
    const subject = decodeJwt(jmToken).sub;
    return idFromUsername(typeof subject === 'string' ? subject : undefined);
  } catch {
    return undefined;
  }
}

function parseJsonArray(raw: string, variable: string): { ok: true; items: unknown[] } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, message: `${variable}: expected a JSON array` };
  }
  if (!Array.isArray(value) || value.length === 0) return { ok: false, message: `${variable}: expected a JSON array with at least one entry` };
  return { ok: true, items: value };
}

function checkUniqueIds<T extends { id: string }>(entries: T[], variable: string): EntriesResult<T> {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) return { ok: false, message: `${variable}: two entries have the id "${entry.id}"; give one an "id" of its own` };
    seen.add(entry.id);
  }
  return { ok: true, entries };
}

/** The first problem, by field name only (values may be secrets). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid entry';
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  const field = issue.path.join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}
