import type { MintedCredentials } from '@/simulator/credential-issuer';
import { escapeHtml, renderHtmlPage, toScriptLiteral } from '@/simulator/render-html-page';

/**
 * The XIPU chat page: a `button.n-button` holding `span.n-button__content` ("New chat").
 * Clicking it adds a `<textarea>` (it does not exist before, so waiting for it waits for the
 * click), and `tokenXhrDelayMs` later the page's own script POSTs
 * `{apiBase}/userInfo?sf_request_type=ajax` with the `Jm-Token` and `Sdp-App-Session` headers
 * — the request a login intercepts (docs/xipu-protocol "Login", step 5).
 */
export function renderChatPage(page: {
  account: string;
  apiBase: string;
  credentials: Pick<MintedCredentials, 'jmToken' | 'sdpSession'>;
  tokenXhrDelayMs: number;
}): string {
  const session = {
    apiBase: page.apiBase,
    jmToken: page.credentials.jmToken,
    sdpSession: page.credentials.sdpSession,
    tokenXhrDelayMs: page.tokenXhrDelayMs,
  };
  const script = `(function () {
  var session = ${toScriptLiteral(session)};
  var status = document.getElementById('status');
  var opened = false;
  document.querySelector('button.n-button').addEventListener('click', function () {
    if (opened) return;
    opened = true;
    var textarea = document.createElement('textarea');
    textarea.placeholder = 'Ask XIPU AI anything';
    textarea.rows = 4;
    document.getElementById('chat').appendChild(textarea);
    setTimeout(function () {
      fetch(session.apiBase + '/userInfo?sf_request_type=ajax', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Jm-Token': session.jmToken, 'Sdp-App-Session': session.sdpSession },
        body: '{}'
      })
        .then(function (response) { return response.json(); })
        .then(function (reply) {
          status.textContent = reply.code === 0 ? 'Signed in as ' + reply.data.name : 'Error: ' + reply.msg;
        })
        .catch(function (error) { status.textContent = 'Error: ' + error; });
    }, session.tokenXhrDelayMs);
  });
})();`;
  const body = `<header><h1>XIPU AI</h1><p>${escapeHtml(page.account)}</p></header>
<aside><button class="n-button"><span class="n-button__content">New chat</span></button></aside>
<main id="chat"></main>
<p id="status"></p>`;
  return renderHtmlPage({ title: 'XIPU AI', body, script });
}
