/** Where a request says it was sent to, as the browser saw it (behind Vercel's proxy too). */
export interface RequestOrigin {
  /** `https://host[:port]`, lower case. */
  origin: string;
  /** Served over https. */
  https: boolean;
  /** localhost, 127.0.0.0/8 or ::1: the only hosts where plain http is accepted. */
  loopback: boolean;
}

/**
 * The origin the client addressed: `x-forwarded-proto`/`x-forwarded-host` (set by Vercel and
 * by `next start` itself), else the `Host` header, else the URL. A browser cannot set these
 * headers on a cross-site form, so comparing `Origin` with this is sound.
 */
export function readRequestOrigin(headers: Headers, url?: string): RequestOrigin {
  const parsedUrl = url ? safeUrl(url) : undefined;
  const protocol = (firstValue(headers.get('x-forwarded-proto')) ?? parsedUrl?.protocol.replace(':', '') ?? 'http').toLowerCase();
  const host = (firstValue(headers.get('x-forwarded-host')) ?? headers.get('host') ?? parsedUrl?.host ?? 'localhost').toLowerCase();
  const https = protocol === 'https';
  const origin = normalizeOrigin(`${https ? 'https' : 'http'}://${host}`) ?? `${https ? 'https' : 'http'}://${host}`;
  return { origin, https, loopback: isLoopbackHost(host) };
}

/** Whether the session cookie must be Secure: always, except plain http to a loopback host. */
export function needsSecureCookie(origin: RequestOrigin): boolean {
  return origin.https || !origin.loopback;
}

/** `https://Example.com:443` → `https://example.com`; undefined for anything that is not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  const parsed = safeUrl(value);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
  return parsed.origin;
}

function isLoopbackHost(host: string): boolean {
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '::1';
}

function firstValue(header: string | null): string | undefined {
  const value = header?.split(',')[0]?.trim();
  return value ? value : undefined;
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
