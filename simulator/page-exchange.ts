import type { ServerResponse } from 'node:http';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { wait } from '@/simulator/wait';

const HTML_CONTENT_TYPE = 'text/html;charset=UTF-8';

/** One portal or SSO request's way to answer; each answer takes one `portal-slow` application. */
export interface PageExchange {
  /** Sends an HTML page, setting `cookies` (whole `Set-Cookie` values). */
  sendHtml(status: number, html: string, cookies?: string[]): Promise<void>;
  /** Answers `302` to `location`, setting `cookies`. */
  redirect(location: string, cookies?: string[]): Promise<void>;
}

/**
 * Wraps a portal or SSO response. Every answer first takes a pending `portal-slow` fault and
 * waits its `ms` (the simulator closing cuts the wait and the connection). Pages are never
 * cached: the chat page carries credentials.
 */
export function createPageExchange(context: SimulatorContext, response: ServerResponse): PageExchange {
  const answer = async (status: number, headers: Record<string, string | string[]>, body: string) => {
    const slow = context.faults.take('portal-page', ['portal-slow']);
    if (slow !== undefined && !(await wait(slow.ms, context.closing.signal))) {
      response.destroy();
      return;
    }
    if (response.destroyed || response.headersSent) return;
    response.writeHead(status, { 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
  };

  return {
    sendHtml(status, html, cookies = []) {
      return answer(status, { 'content-type': HTML_CONTENT_TYPE, ...cookieHeader(cookies) }, html);
    },
    redirect(location, cookies = []) {
      return answer(302, { location, ...cookieHeader(cookies) }, '');
    },
  };
}

function cookieHeader(cookies: string[]): Record<string, string[]> {
  return cookies.length === 0 ? {} : { 'set-cookie': cookies };
}

/**
 * A `Set-Cookie` value: HttpOnly (no page script reads it) and SameSite=Lax (sent on the
 * top-level redirects of the login). Not Secure: the simulator speaks plain HTTP.
 *
 * @param maxAgeSeconds 0 deletes the cookie; omitted: a session cookie.
 */
export function serializeCookie(name: string, value: string, options: { path: string; maxAgeSeconds?: number }): string {
  const maxAge = options.maxAgeSeconds === undefined ? '' : `; Max-Age=${options.maxAgeSeconds}`;
  return `${name}=${value}; Path=${options.path}${maxAge}; HttpOnly; SameSite=Lax`;
}
