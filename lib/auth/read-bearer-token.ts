/** The token of `Authorization: Bearer <token>`, trimmed; undefined when there is none. */
export function readBearerToken(headers: Headers): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers.get('authorization')?.trim() ?? '');
  return match?.[1]?.trim() || undefined;
}
