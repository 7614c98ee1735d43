import { encodeActionResult, type ActionResult } from '../view/action-result';

/**
 * Headers of every admin answer: never cached (by the browser, a proxy or the CDN), never
 * indexed, never framed (clickjacking), no referrer to other origins, no MIME sniffing.
 */
export const ADMIN_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store, max-age=0',
  pragma: 'no-cache',
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

/** Where the page lives; actions redirect back here. */
export const ADMIN_PATH = '/admin';

/**
 * 303 See Other back to the page (Post/Redirect/Get): a reload does not repeat the action.
 * The Location is relative, so it is right behind any proxy.
 */
export async function redirectToAdmin(options: { result?: ActionResult; password?: string; anchor?: string; query?: Record<string, string>; setCookies?: string[] } = {}): Promise<Response> {
  const query = new URLSearchParams(options.query);
  if (options.result) query.set('result', await encodeActionResult(options.result, options.password));
  const search = query.size > 0 ? `?${query.toString()}` : '';
  const headers = new Headers({ ...ADMIN_RESPONSE_HEADERS, location: `${ADMIN_PATH}${search}${options.anchor ? `#${options.anchor}` : ''}` });
  for (const cookie of options.setCookies ?? []) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

/**
 * A small standalone HTML page for answers that are not the admin page itself (refused,
 * rate limited, misconfigured): the status code tells scripts, the text tells people.
 */
export function adminMessagePage(status: number, title: string, message: string, extraHeaders: Record<string, string> = {}): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · xipu-gateway admin</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.4rem}a{color:#0645ad}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="${ADMIN_PATH}">Back to the admin page</a></p></main></body></html>`;
  return new Response(html, { status, headers: { ...ADMIN_RESPONSE_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extraHeaders } });
}

/**
 * The answer to an action that made a secret (a new client key): 200 with the secret on the page,
 * the only time it is shown — not a redirect, so it is in no URL (nor the history, nor a
 * Referer), no cookie and no signed result; the admin headers keep it out of every cache. A
 * reload sends the form again: the create action makes one key per form id (lib/admin/actions/create-key.ts).
 */
export function oneTimeSecretPage(page: { title: string; label: string; secret: string; anchor: string }): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(page.label)} · xipu-gateway admin</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.4rem}a{color:#0645ad}
#one-time-secret{display:block;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1rem;padding:.75rem;background:#f5f7f9;border:2px solid #1e7e34;border-radius:.4rem;user-select:all;overflow-wrap:anywhere}
.warn{background:#fef3d6;border:2px solid #a15c00;border-radius:.4rem;padding:.6rem .8rem}</style>
</head><body><main><h1>${escapeHtml(page.title)}</h1>
<p><label for="one-time-secret"><strong>${escapeHtml(page.label)}</strong></label></p>
<output id="one-time-secret">${escapeHtml(page.secret)}</output>
<p class="warn">Copy it now: this is the only time it is shown. The gateway keeps only its SHA-256 and cannot show it again; if it is lost, revoke it and create another.</p>
<p><a href="${ADMIN_PATH}#${encodeURIComponent(page.anchor)}">Back to the admin page</a></p></main></body></html>`;
  return new Response(html, { status: 200, headers: { ...ADMIN_RESPONSE_HEADERS, 'content-type': 'text/html; charset=utf-8' } });
}

/** JSON for the page's own scripts (login progress), never cached. */
export function adminJson(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: ADMIN_RESPONSE_HEADERS });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
