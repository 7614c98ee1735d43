import { normalizeOrigin, readRequestOrigin } from './read-request-origin';

export type SameOriginCheck = { ok: true } | { ok: false; reason: string };

/**
 * The cross-site check every admin POST passes (with the SameSite=Strict cookie as a second
 * layer): the browser must show positively that the request came from this origin.
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` (`same-site` is refused too: a
 *   sibling subdomain is another deployment);
 * - `Origin`, when sent, must name this deployment's host (`null` — a sandboxed frame, a
 *   cross-origin redirect — is refused). Hosts are compared, not schemes: a TLS-terminating
 *   proxy that does not say `x-forwarded-proto` must not lock the admin out, and a page on
 *   the same host is not cross-site;
 * - with neither header there is no proof at all: refused. Every current browser sends
 *   `Origin` on a form POST; scripts must send it too.
 */
export function checkSameOrigin(request: Request): SameOriginCheck {
  const fetchSite = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  const originHeader = request.headers.get('origin')?.trim();
  if (fetchSite !== undefined && fetchSite !== 'same-origin') {
    return { ok: false, reason: `the browser marked this request as ${fetchSite} (Sec-Fetch-Site)` };
  }
  if (originHeader !== undefined) {
    const given = normalizeOrigin(originHeader);
    const expected = readRequestOrigin(request.headers, request.url).origin;
    if (given === undefined || hostOf(given, given) !== hostOf(expected, given)) {
      return { ok: false, reason: `it came from ${originHeader === 'null' ? 'an opaque origin' : 'another origin'} (Origin), not ${expected}` };
    }
    return { ok: true };
  }
  if (fetchSite === 'same-origin') return { ok: true };
  return { ok: false, reason: 'it carries neither an Origin nor a Sec-Fetch-Site header, so its origin cannot be checked' };
}

/** The `host[:port]` of `origin`, its port made explicit-or-default under `scheme`'s rules. */
function hostOf(origin: string, schemeOf: string): string {
  const scheme = schemeOf.startsWith('https:') ? 'https:' : 'http:';
  const url = new URL(origin);
  url.protocol = scheme;
  return url.host;
}
