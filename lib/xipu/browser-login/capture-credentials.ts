import type { HTTPRequest, Page } from 'puppeteer-core';
import { StepTimeoutError, type StepLimits } from './run-login-step';
import { untilAborted } from '@/lib/pacing/until-aborted';

/** The pair the gateway needs — docs/xipu-protocol "Hosts and headers". */
export interface CapturedCredentials {
  jmToken: string;
  sdpSession: string;
}

/** The request headers carrying them, as puppeteer reports them (lower-cased). */
export const CREDENTIAL_HEADERS = { jmToken: 'jm-token', sdpSession: 'sdp-app-session' } as const;

export interface CredentialHeaderWatch {
  /** The pair from the first request that carried both headers. Never rejects. */
  readonly captured: Promise<CapturedCredentials>;
  /** Which of the two headers any request has carried so far. */
  seen(): { jmToken: boolean; sdpSession: boolean };
}

/**
 * Listens to every request the page sends (its own XHR/fetch calls to the API carry the
 * credentials — docs/xipu-protocol "Login" 5, docs/stack-notes "Headless Chromium"). Start
 * it before the first navigation so no request is missed; it stops after the first capture.
 */
export function watchCredentialHeaders(page: Page): CredentialHeaderWatch {
  const seen = { jmToken: false, sdpSession: false };
  let resolveCaptured: (credentials: CapturedCredentials) => void = () => undefined;
  const captured = new Promise<CapturedCredentials>((resolve) => {
    resolveCaptured = resolve;
  });
  const onRequest = (request: HTTPRequest) => {
    const headers = request.headers();
    const jmToken = headers[CREDENTIAL_HEADERS.jmToken] ?? '';
    const sdpSession = headers[CREDENTIAL_HEADERS.sdpSession] ?? '';
    seen.jmToken ||= jmToken !== '';
    seen.sdpSession ||= sdpSession !== '';
    if (jmToken !== '' && sdpSession !== '') {
      resolveCaptured({ jmToken, sdpSession });
      page.off('request', onRequest);
    }
  };
  page.on('request', onRequest);
  return {
    captured,
    seen: () => ({ ...seen }),
  };
}

/**
 * Step `capture-credentials`: the watched pair, waiting at most the step's budget for it.
 *
 * @throws Error saying which header never appeared when none came in time.
 */
export async function captureCredentials(watch: CredentialHeaderWatch, limits: StepLimits): Promise<CapturedCredentials> {
  try {
    return await untilAborted(watch.captured, limits.signal);
  } catch (error) {
    if (!(error instanceof StepTimeoutError)) throw error;
    throw new Error(
      `no request of the page carried both ${CREDENTIAL_HEADERS.jmToken} and ${CREDENTIAL_HEADERS.sdpSession} ` +
        `within ${limits.timeoutMs} ms (${describeSeen(watch.seen())})`,
    );
  }
}

function describeSeen(seen: { jmToken: boolean; sdpSession: boolean }): string {
  if (seen.jmToken && seen.sdpSession) return 'each was seen, never together';
  if (seen.jmToken) return `only ${CREDENTIAL_HEADERS.jmToken} was seen`;
  if (seen.sdpSession) return `only ${CREDENTIAL_HEADERS.sdpSession} was seen`;
  return 'neither was seen';
}
