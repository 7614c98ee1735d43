import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPageExchange, serializeCookie, type PageExchange } from '@/simulator/page-exchange';
import type { PortalSession } from '@/simulator/portal-book';
import { portalMessages } from '@/simulator/portal-messages';
import { readCookies } from '@/simulator/read-cookies';
import { renderChatPage } from '@/simulator/render-chat-page';
import { escapeHtml, renderHtmlPage } from '@/simulator/render-html-page';
import { ssoLoginPath } from '@/simulator/render-sso-login-page';
import type { SimulatorContext } from '@/simulator/simulator-context';

/** The portal's pages on the main server — docs/xipu-protocol "Login". */
export const portalPaths = { home: '/', callback: '/sso/callback', chat: '/v3/chat' } as const;
const portalPathList: readonly string[] = Object.values(portalPaths);

/** The portal's session cookie; the SSO's own is `CASTGC` (cookies ignore ports: names must differ). */
export const portalSessionCookie = 'portal_session';

export function isPortalPath(pathname: string): boolean {
  return portalPathList.includes(pathname);
}

/** Chromium asks every origin for it on its own. */
export const faviconPath = '/favicon.ico';

/** Answers the favicon request with 204: a 404 would put an error in the page's console. */
export function sendNoFavicon(response: ServerResponse): void {
  response.writeHead(204, { 'cache-control': 'max-age=86400' });
  response.end();
}

/**
 * A GET of a portal page. `/` and `/v3/chat` need a portal session whose credentials still
 * work; without one (no cookie, unknown, or its token expired or its sdp session died) they
 * redirect to the SSO login with `service` = the callback, so a browser can log in again.
 * `/sso/callback?ticket=…` redeems a ticket once, mints credentials for its account, opens a
 * portal session (cookie `portal_session`) and redirects to `/`; a bad ticket gets a 403 page.
 */
export async function handlePortalRequest(context: SimulatorContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const exchange = createPageExchange(context, response);
  if (url.pathname === portalPaths.callback) {
    await redeemTicket(context, exchange, url.searchParams.get('ticket') ?? '');
    return;
  }
  const sessionId = readCookies(request).get(portalSessionCookie);
  const session = sessionId === undefined ? undefined : currentPortalSession(context, sessionId);
  if (session === undefined) {
    // A cookie whose session is gone is cleared, as a portal logging the browser out would.
    const cookies = sessionId === undefined ? [] : [serializeCookie(portalSessionCookie, '', { path: '/', maxAgeSeconds: 0 })];
    await exchange.redirect(ssoLoginUrl(context), cookies);
    return;
  }
  if (url.pathname === portalPaths.chat) {
    const chatPage = renderChatPage({
      account: session.account,
      apiBase: context.addresses.apiBase,
      credentials: session.credentials,
      tokenXhrDelayMs: context.settings.portal.tokenXhrDelayMs,
    });
    await exchange.sendHtml(200, chatPage);
    return;
  }
  await exchange.sendHtml(200, renderHomePage(session.account));
}

/** Where the portal sends a browser without a session: the SSO login, back to the callback. */
export function ssoLoginUrl(context: SimulatorContext): string {
  const service = `${context.addresses.portalUrl}${portalPaths.callback}`;
  return `${context.addresses.ssoUrl}${ssoLoginPath}?service=${encodeURIComponent(service)}`;
}

/** The portal session, if its credentials still work; a session whose credentials died is closed. */
function currentPortalSession(context: SimulatorContext, sessionId: string): PortalSession | undefined {
  const session = context.portal.findPortalSession(sessionId);
  if (session === undefined) return undefined;
  const check = context.credentials.check({ jmToken: session.credentials.jmToken, sdpSession: session.credentials.sdpSession });
  if (check.status === 'valid') return session;
  context.portal.closePortalSession(sessionId);
  return undefined;
}

async function redeemTicket(context: SimulatorContext, exchange: PageExchange, ticket: string): Promise<void> {
  const account = context.portal.redeemTicket(ticket, `${context.addresses.portalUrl}${portalPaths.callback}`);
  if (account === undefined) {
    const body = `<main><h1>Sign-in failed</h1><p id="errormsg">${escapeHtml(portalMessages.invalidTicket)}</p><p><a href="${portalPaths.home}">Sign in</a></p></main>`;
    await exchange.sendHtml(403, renderHtmlPage({ title: 'Sign-in failed', body }));
    return;
  }
  const credentials = context.credentials.mint({ account, lifetimeSeconds: context.settings.tokenLifetimeSeconds });
  const sessionId = context.portal.openPortalSession({ account, credentials });
  await exchange.redirect(portalPaths.home, [serializeCookie(portalSessionCookie, sessionId, { path: '/' })]);
}

/** The portal's home: the link to the chat (`a[href='/v3/chat']`). */
function renderHomePage(account: string): string {
  const body = `<header><h1>XJTLU Portal</h1><p>Signed in as ${escapeHtml(account)}</p></header>
<nav><ul><li><a href="${portalPaths.chat}">XIPU AI</a></li></ul></nav>`;
  return renderHtmlPage({ title: 'XJTLU Portal', body });
}
