import { escapeHtml, renderHtmlPage } from '@/simulator/render-html-page';

/** Where the SSO's login form lives and posts — docs/xipu-protocol "Login". */
export const ssoLoginPath = '/authserver/login';

/**
 * Copies the visible fields into the form's hidden ones and submits it, as the school's SSO
 * page does from its button (the button is no submit button, so Enter is wired by hand).
 */
const LOGIN_SCRIPT = `(function () {
  var form = document.getElementById('casLoginForm');
  var submitted = false;
  function submitLogin() {
    if (submitted) return;
    submitted = true;
    form.querySelector('input[name="username"]').value = document.getElementById('username_show').value;
    form.querySelector('input[name="password"]').value = document.getElementById('password_show').value;
    form.submit();
  }
  document.querySelector('#btn_login input').addEventListener('click', submitLogin);
  document.getElementById('password_show').addEventListener('keydown', function (event) {
    if (event.key === 'Enter') submitLogin();
  });
})();`;

/**
 * The SSO login form: `#username_show`, `#password_show`, the button `#btn_login input`, a
 * hidden `service`; the button posts `username`, `password` and `service` as
 * `application/x-www-form-urlencoded` to `ssoLoginPath`. With `error`, a `#errormsg` above it.
 */
export function renderSsoLoginPage(form: { service: string; username?: string; error?: string }): string {
  const error = form.error === undefined ? '' : `<div id="errormsg">${escapeHtml(form.error)}</div>\n`;
  const body = `<main class="login-box">
<h1>XJTLU Single Sign-On</h1>
${error}<form id="casLoginForm" method="post" action="${ssoLoginPath}">
<input type="hidden" name="username" value="">
<input type="hidden" name="password" value="">
<input type="hidden" name="service" value="${escapeHtml(form.service)}">
<p><label for="username_show">Username</label> <input id="username_show" type="text" autocomplete="username" value="${escapeHtml(form.username ?? '')}"></p>
<p><label for="password_show">Password</label> <input id="password_show" type="password" autocomplete="current-password"></p>
<div id="btn_login"><input type="button" value="Login"></div>
</form>
</main>`;
  return renderHtmlPage({ title: 'XJTLU Single Sign-On', body, script: LOGIN_SCRIPT });
}
