/** A few error codes in plain words, besides the gateway's own message (docs/keys.md, README "Troubleshooting"). */
const ERROR_HINTS: Record<string, string> = {
  model_not_allowed: "This key's allow-list does not include that model.",
  rate_limit_exceeded: 'This key has used up its requests per minute: wait a little.',
  too_many_concurrent_requests: 'This key already has as many requests running as it may.',
  insufficient_quota: "This key's daily token quota is used up (it resets at midnight UTC).",
  invalid_api_key: 'This key is revoked.',
  api_key_expired: 'This key has expired.',
  key_not_found: 'That key no longer exists: reload the page.',
  invalid_admin_credentials: 'Your admin session has ended: reload the page and sign in again.',
  cross_site_request_refused: 'The browser did not show that this request came from this page.',
  upstream_busy: 'The account is busy: its queue is full. Try again in a moment.',
  model_not_found: 'No provider serves that model.',
};

/**
 * The "Try a chat" panel's script: POST /api/admin/chat with the chosen model, key and
 * message, read the SSE answer as it arrives (Chat Completions chunks: `content` into the
 * answer, `reasoning_content` into the reasoning block), then its `event: timings`. Stop aborts
 * the fetch, which the gateway sees as a disconnect and stops the upstream call. Plain DOM,
 * text only (never HTML from the answer).
 */
export const CHAT_PANEL_SCRIPT = `(function () {
  var hints = ${JSON.stringify(ERROR_HINTS)};
  function byId(id) { return document.getElementById(id); }
  var form = byId('chat-form');
  if (!form || !window.fetch || !window.TextDecoder) return;
  var send = byId('chat-send'), stop = byId('chat-stop'), status = byId('chat-status');
  var output = byId('chat-output'), answer = byId('chat-answer');
  var reasoning = byId('chat-reasoning'), reasoningText = byId('chat-reasoning-text');
  var timings = byId('chat-timings');
  var controller = null;
  function ms(value) { return value == null ? '—' : Math.round(value) + ' ms'; }
  function setTiming(id, text) { byId(id).textContent = text; }
  function running(on) {
    send.disabled = on;
    stop.disabled = !on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }
  function describe(httpStatus, body) {
    var error = body && body.error ? body.error : {};
    var code = error.code || error.type || '';
    var words = hints[code] ? hints[code] + ' ' : '';
    return 'Failed' + (httpStatus ? ' (HTTP ' + httpStatus + (code ? ' ' + code : '') + ')' : code ? ' (' + code + ')' : '') + ': ' + words + (error.message || 'no details.');
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (controller) return;
    var message = byId('chat-message').value;
    if (!message.trim()) { status.textContent = 'Write a message first.'; return; }
    var body = { model: byId('chat-model').value, messages: [{ role: 'user', content: message }] };
    var keyId = byId('chat-key').value;
    if (keyId) body.keyId = keyId;
    answer.textContent = '';
    reasoningText.textContent = '';
    reasoning.hidden = true;
    timings.hidden = true;
    ['chat-timing-queue', 'chat-timing-first-byte', 'chat-timing-first-token', 'chat-timing-total'].forEach(function (id) { setTiming(id, '—'); });
    output.hidden = false;
    output.removeAttribute('data-outcome');
    status.textContent = 'Waiting for the answer…';
    controller = new AbortController();
    running(true);
    var startedAt = performance.now(), firstTokenAt = null, serverTimings = null, failure = null, done = false;
    function showTimings() {
      var end = performance.now();
      setTiming('chat-timing-queue', serverTimings ? (serverTimings.turns > 0 ? ms(serverTimings.queueWaitMs) + ' (' + serverTimings.turns + ' turn(s) in the account\\'s schedule)' : 'none (no schedule for this endpoint)') : '—');
      setTiming('chat-timing-first-byte', serverTimings ? ms(serverTimings.upstreamFirstByteMs) : '—');
      setTiming('chat-timing-first-token', firstTokenAt === null ? '—' : ms(firstTokenAt - startedAt) + ' (as this browser saw it)');
      setTiming('chat-timing-total', ms(end - startedAt));
      timings.hidden = false;
    }
    function handle(name, data) {
      if (name === 'timings') { try { serverTimings = JSON.parse(data); } catch (ignored) {} return; }
      if (data === '[DONE]') { done = true; return; }
      var chunk;
      try { chunk = JSON.parse(data); } catch (ignored) { return; }
      if (chunk.error) { failure = describe(0, chunk); return; }
      var delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
      if (!delta) return;
      if (delta.reasoning_content) {
        if (firstTokenAt === null) firstTokenAt = performance.now();
        reasoning.hidden = false;
        reasoningText.textContent += delta.reasoning_content;
      }
      if (delta.content) {
        if (firstTokenAt === null) firstTokenAt = performance.now();
        answer.textContent += delta.content;
        status.textContent = 'Answering…';
      }
    }
    function read(reader) {
      var decoder = new TextDecoder(), buffer = '';
      function consume(text) {
        buffer += text.replace(/\\r\\n?/g, '\\n');
        var end;
        while ((end = buffer.indexOf('\\n\\n')) >= 0) {
          var block = buffer.slice(0, end), name = 'message', data = [];
          buffer = buffer.slice(end + 2);
          block.split('\\n').forEach(function (line) {
            if (line.indexOf('event:') === 0) name = line.slice(6).trim();
            else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
          });
          if (data.length > 0) handle(name, data.join('\\n'));
        }
      }
      function next() {
        return reader.read().then(function (step) {
          if (step.done) { consume(decoder.decode()); return; }
          consume(decoder.decode(step.value, { stream: true }));
          return next();
        });
      }
      return next();
    }
    fetch('/api/admin/chat', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: controller.signal
    })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (error) { failure = describe(response.status, error); });
        }
        return read(response.body.getReader());
      })
      .then(function () {
        if (failure) { output.setAttribute('data-outcome', 'failed'); status.textContent = failure; }
        else if (done) { output.setAttribute('data-outcome', 'done'); status.textContent = 'Done.'; }
        else { output.setAttribute('data-outcome', 'failed'); status.textContent = 'The answer broke off before its end.'; }
      }, function (error) {
        var stopped = error && error.name === 'AbortError';
        output.setAttribute('data-outcome', stopped ? 'stopped' : 'failed');
        status.textContent = stopped ? 'Stopped.' : 'Failed: ' + (error && error.message ? error.message : 'the request did not complete.');
      })
      .then(function () {
        showTimings();
        controller = null;
        running(false);
      });
  });
  stop.addEventListener('click', function () { if (controller) controller.abort(); });
})();`;
