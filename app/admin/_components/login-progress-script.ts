import { STEP_STATE_LABELS } from '@/lib/xipu/credentials/login-progress';

/**
 * One of the page's two scripts (the other: the chat panel's CHAT_PANEL_SCRIPT): while a login
 * started here runs, ask GET /admin/status every second and update the step list; when the
 * login ends, load the page again so every panel shows the outcome. Plain DOM, text only (no HTML from the answer). Without JavaScript the
 * "Refresh" link does the same by hand.
 */
export const LOGIN_PROGRESS_SCRIPT = `(function () {
  var labels = ${JSON.stringify(STEP_STATE_LABELS)};
  var list = document.getElementById('login-steps');
  var status = document.getElementById('login-progress-status');
  if (!list || !status) return;
  // The account the page shows (several accounts: ?account=<id>), kept in every URL below.
  var account = new URLSearchParams(location.search).get('account');
  var accountQuery = account ? 'account=' + encodeURIComponent(account) : '';
  function render(progress) {
    var last = {};
    progress.steps.forEach(function (event) { last[event.step] = event; });
    Array.prototype.forEach.call(list.querySelectorAll('li[data-step]'), function (item) {
      var event = last[item.getAttribute('data-step')];
      var state = !event ? 'pending' : event.status === 'started' ? 'running' : event.status;
      item.setAttribute('data-state', state);
      var text = labels[state] + (event && event.status !== 'started' ? ' at ' + (event.elapsedMs / 1000).toFixed(1) + ' s' : '');
      item.querySelector('.step-state').textContent = text;
    });
  }
  function finish(text) {
    status.textContent = text;
    setTimeout(function () {
      var search = '?login=finished' + (accountQuery ? '&' + accountQuery : '');
      var target = '/admin' + search + '#login';
      if (location.pathname + location.search === '/admin' + search) location.reload();
      else location.replace(target);
    }, 1200);
  }
  function poll() {
    fetch('/admin/status' + (accountQuery ? '?' + accountQuery : ''), { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        var progress = body.progress;
        if (progress) render(progress);
        if (!progress || progress.status !== 'running') {
          finish(progress && progress.status === 'success' ? 'Login succeeded. Reloading…' : 'Login ended. Reloading…');
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function (error) {
        status.textContent = 'Could not read the progress (' + error.message + '); retrying…';
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 1000);
})();`;
