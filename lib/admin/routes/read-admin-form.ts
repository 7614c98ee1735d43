/** The largest form an admin action takes: two pasted credentials fit many times over. */
export const MAX_ADMIN_FORM_BYTES = 32 * 1024;

/**
 * The fields of an `application/x-www-form-urlencoded` POST, read up to MAX_ADMIN_FORM_BYTES
 * (a larger body is refused before it is read whole). Other content types give no fields.
 * @returns undefined when the body is too large.
 */
export async function readAdminForm(request: Request): Promise<URLSearchParams | undefined> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_ADMIN_FORM_BYTES) return undefined;
  if (!/application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? '') || !request.body) return new URLSearchParams();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_ADMIN_FORM_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
