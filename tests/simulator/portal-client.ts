import type { SimulatorHandle } from '@/simulator/start-simulator';
import type { Credentials } from './simulator-client';

/** A cookie as a browser keeps it. Cookies ignore ports, so both simulator servers share the jar. */
interface StoredCookie {
  value: string;
  path: string;
  attributes: string[];
}

/**
 * A browser reduced to what the login flow needs: one cookie jar for the simulator's host,
 * redirects never followed (each step is asserted), forms posted urlencoded.
 */
export interface PortalBrowser {
  get(url: string): Promise<Response>;
  postForm(url: string, fields: Record<string, string>): Promise<Response>;
  /** The stored cookie's value and attributes (`Path=…`, `HttpOnly`, …), if any. */
  cookie(name: string): StoredCookie | undefined;
}

export function createPortalBrowser(): PortalBrowser {
  const jar = new Map<string, StoredCookie>();

  const send = async (url: string, init: RequestInit): Promise<Response> => {
    const { pathname } = new URL(url);
    const cookieHeader = [...jar]
      .filter(([, cookie]) => pathname === cookie.path || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookieHeader !== '') headers.set('cookie', cookieHeader);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const path = attributes.find((attribute) => attribute.startsWith('Path='))?.slice('Path='.length) ?? '/';
      if (attributes.includes('Max-Age=0')) jar.delete(name);
      else jar.set(name, { value: pair.slice(separator + 1), path, attributes });
    }
    return response;
  };

  return {
    get: (url) => send(url, {}),
    postForm: (url, fields) =>
      send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() }),
    cookie: (name) => jar.get(name),
  };
}

/** The `Location` of a 302, resolved against the request's URL. */
export function redirectTarget(response: Response): string {
  if (response.status !== 302) throw new Error(`expected a 302, got ${response.status}`);
  return new URL(response.headers.get('location') ?? '', response.url).toString();
}

/** The value of a hidden form field of the SSO page. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (match?.[1] === undefined) throw new Error(`no hidden field ${name}`);
  return match[1].replace(/&#(\d+);/g, (_entity, code: string) => String.fromCharCode(Number(code)));
}

/** The credentials and settings the chat page's script carries. */
export interface ChatPageSession extends Credentials {
  apiBase: string;
  tokenXhrDelayMs: number;
}

export function readChatPageSession(html: string): ChatPageSession {
  const match = /var session = (\{.*\});/.exec(html);
  if (match?.[1] === undefined) throw new Error('the chat page carries no session');
  return JSON.parse(match[1]) as ChatPageSession;
}

/** The bodies of the page's inline scripts. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
}

/**
 * Logs in the way the browser login does (portal → SSO form → post → ticket → portal → chat)
 * and returns the chat page's session. Fails on any unexpected step.
 */
export async function loginThroughPortal(simulator: SimulatorHandle, browser: PortalBrowser = createPortalBrowser()): Promise<ChatPageSession> {
  const formUrl = redirectTarget(await browser.get(`${simulator.portalUrl}/`));
  const form = await (await browser.get(formUrl)).text();
  const { username, password } = simulator.portalAccount;
  const posted = await browser.postForm(`${simulator.ssoUrl}/authserver/login`, { username, password, service: hiddenField(form, 'service') });
  redirectTarget(await browser.get(redirectTarget(posted)));
  const chat = await browser.get(`${simulator.portalUrl}/v3/chat`);
  if (chat.status !== 200) throw new Error(`chat page answered ${chat.status}`);
  return readChatPageSession(await chat.text());
}

/** Calls userInfo as the chat page does. */
export function callUserInfo(simulator: SimulatorHandle, credentials: Credentials, query = '?sf_request_type=ajax'): Promise<Response> {
  return fetch(`${simulator.apiBase}/userInfo${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Jm-Token': credentials.jmToken, 'Sdp-App-Session': credentials.sdpSession },
    body: '{}',
  });
}
