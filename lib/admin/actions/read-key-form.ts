/** The key settings the /admin forms send, as the JSON API's fields (lib/keys/managed-key.ts). */
const NUMBER_FIELDS = ['rpm', 'maxConcurrent', 'dailyTokens'] as const;

/** `2025-06-01T12:00` (an `<input type="datetime-local">`, which has no zone): read as UTC, as the form says. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A key form of the /admin page as the body the JSON API takes, so one validation
 * (lib/keys/validate-key-settings.ts) judges both: numbers from their text (anything else is
 * passed on as text, for the schema to refuse by name), the models from a comma- or
 * space-separated list, a zone-less expiry as UTC. An empty field is left out when creating
 * and sent as `null` (the limit removed) when changing. Fields the form does not name are
 * never taken.
 */
export function readKeyForm(form: URLSearchParams, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (field: string, value: unknown) => {
    if (value !== undefined) body[field] = value;
    else if (mode === 'update') body[field] = null;
  };
  body.name = form.get('name') ?? '';
  const models = (form.get('models') ?? '').split(/[\s,]+/).filter(Boolean);
  put('models', models.length > 0 ? models : undefined);
  for (const field of NUMBER_FIELDS) {
    const text = (form.get(field) ?? '').trim();
    put(field, text === '' ? undefined : /^\d+$/.test(text) ? Number(text) : text);
  }
  const expiresAt = (form.get('expiresAt') ?? '').trim();
  put('expiresAt', expiresAt === '' ? undefined : LOCAL_DATE_TIME.test(expiresAt) ? `${expiresAt.length === 16 ? `${expiresAt}:00` : expiresAt}Z` : expiresAt);
  return body;
}
