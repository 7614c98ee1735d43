import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import { answerSimulatorFailure } from '@/simulator/answer-simulator-failure';
import { faviconPath, sendNoFavicon } from '@/simulator/handle-portal-request';
import { createPageExchange, serializeCookie, type PageExchange } from '@/simulator/page-exchange';
import { portalMessages } from '@/simulator/portal-messages';
import { readFormBody } from '@/simulator/read-form-body';
import { escapeHtml, renderHtmlPage } from '@/simulator/render-html-page';
import { renderSsoLoginPage, ssoLoginPath } from '@/simulator/render-sso-login-page';
import type { SimulatorContext } from '@/simulator/simulator-context';

/** The SSO's session cookie, scoped to its own paths as CAS does. */
export const ssoSessionCookie = 'CASTGC';

/**
 * The simulated school SSO (CAS-like), served on its own port: `GET /authserver/login?service=…`
 * shows the login form, `POST /authserver/login` checks the account. Right credentials set
 * `CASTGC` and redirect to `<service>?ticket=ST-…`; wrong ones show the form again with
 * `#errormsg`. An existing `CASTGC` does not skip the form (the login always fills it).
 * Faults: `portal-unexpected-page` (the GET), `login-refused` (the POST), `portal-slow` (every
 * answer of the login route). `/favicon.ico`: 204. Other paths: 404.
 */
export function createSsoRequestRouter(context: SimulatorContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://sso.invalid');
    if (request.method === 'GET' && url.pathname === faviconPath) {
      sendNoFavicon(response);
      return;
    }
    if (url.pathname !== ssoLoginPath) {
      sendPlainPage(response, 404, 'Not Found');
      return;
    }
    const exchange = createPageExchange(context, response);
    const answered =
      request.method === 'GET'
        ? showLoginForm(context, exchange, url.searchParams.get('service') ?? '')
        : request.method === 'POST'
          ? submitLogin(context, request, exchange, url)
          : exchange.sendHtml(405, renderHtmlPage({ title: 'Method Not Allowed', body: '<h1>Method Not Allowed</h1>' }));
    answered.catch((error: unknown) => answerSimulatorFailure(response, error));
  };
}

function showLoginForm(context: SimulatorContext, exchange: PageExchange, service: string): Promise<void> {
  if (context.faults.take('sso-login-form', ['portal-unexpected-page']) !== undefined) {
    const body = `<main><h1>System maintenance</h1><p>${escapeHtml(portalMessages.maintenance)}</p></main>`;
    return exchange.sendHtml(200, renderHtmlPage({ title: 'System maintenance', body }));
  }
  return exchange.sendHtml(200, renderSsoLoginPage({ service }));
}

async function submitLogin(context: SimulatorContext, request: IncomingMessage, exchange: PageExchange, url: URL): Promise<void> {
  const fields = await readFormBody(request);
  if (fields === null) {
    await sendErrorPage(exchange, 400, portalMessages.badForm);
    return;
  }
  const service = fields.get('service') ?? url.searchParams.get('service') ?? '';
  const serviceUrl = parseServiceUrl(service);
  if (serviceUrl === null) {
    await sendErrorPage(exchange, 400, portalMessages.invalidService);
    return;
  }
  const username = fields.get('username') ?? '';
  const password = fields.get('password') ?? '';
  const { portal } = context.settings;
  const refused = context.faults.take('sso-login-submit', ['login-refused']) !== undefined;
  const rightPassword = timingSafeEqual(password, portal.password);
  if (refused || username !== portal.username || !rightPassword) {
    context.counters.portal.loginsFailed += 1;
    const error = refused ? portalMessages.accountLocked : portalMessages.invalidCredentials;
    await exchange.sendHtml(200, renderSsoLoginPage({ service, username, error }));
    return;
  }
  context.counters.portal.loginsSucceeded += 1;
  context.counters.portal.ticketsIssued += 1;
  const ssoSession = context.portal.openSsoSession(username);
  serviceUrl.searchParams.set('ticket', context.portal.issueTicket(username, service));
  await exchange.redirect(serviceUrl.toString(), [serializeCookie(ssoSessionCookie, ssoSession, { path: '/authserver' })]);
}

/** A service the SSO may send a ticket to: any absolute http(s) URL (no registry in the simulator). */
function parseServiceUrl(service: string): URL | null {
  if (!URL.canParse(service)) return null;
  const url = new URL(service);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

function sendErrorPage(exchange: PageExchange, status: number, message: string): Promise<void> {
  const body = `<main><h1>Sign-in failed</h1><p id="errormsg">${escapeHtml(message)}</p></main>`;
  return exchange.sendHtml(status, renderHtmlPage({ title: 'Sign-in failed', body }));
}

/** An answer outside the SSO's routes: not delayed by faults. */
function sendPlainPage(response: ServerResponse, status: number, title: string): void {
  const html = renderHtmlPage({ title, body: `<h1>${escapeHtml(title)}</h1>` });
  response.writeHead(status, { 'content-type': 'text/html;charset=UTF-8', 'content-length': Buffer.byteLength(html) });
  response.end(html);
}
