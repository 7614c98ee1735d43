import type { AdminChatChoices } from '@/lib/admin/view/read-chat-choices';
import { CHAT_PANEL_SCRIPT } from './chat-panel-script';

const SOURCE_LABELS = { store: 'managed', environment: 'API_KEYS' } as const;

/**
 * "Try a chat": a model, a key by name (its limits apply; its text is never needed), a
 * message, and the streamed answer through POST /api/admin/chat, with the reasoning apart and
 * the request's timings. The script (CHAT_PANEL_SCRIPT) does the sending; without JavaScript
 * the panel says so.
 */
export function ChatPanel({ choices }: { choices: AdminChatChoices }) {
  return (
    <section id="chat" className="panel wide" aria-labelledby="chat-title">
      <h2 id="chat-title">Try a chat</h2>
      <p className="reason">
        Send one message through this deployment, exactly as a client would: as one of its keys (that key&apos;s allow-list, limits and usage apply) or as the admin
        (the global limits).
      </p>
      {choices.problems.length > 0 ? <p className="note">{choices.problems.join(' ')}</p> : null}
      <form id="chat-form" className="chat-form">
        <div className="chat-pickers">
          <div>
            <label htmlFor="chat-model">Model</label>
            <select id="chat-model" name="model" required>
              {choices.models.map((model) => (
                <option key={model} value={model}>
                  {model}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="chat-key">Key</label>
            <select id="chat-key" name="keyId">
              <option value="">none — as the admin</option>
              {choices.keys.map((key) => (
                <option key={`${key.source}:${key.value}`} value={key.value}>
                  {key.name} ({SOURCE_LABELS[key.source]}
                  {key.state ? `, ${key.state}` : ''})
                </option>
              ))}
            </select>
          </div>
        </div>
        <label htmlFor="chat-message">Message</label>
        <textarea id="chat-message" name="message" rows={3} required defaultValue="Hello! Which model are you?" />
        <div className="actions">
          <button type="submit" id="chat-send">
            Send
          </button>
          <button type="button" id="chat-stop" className="secondary" disabled>
            Stop
          </button>
          <span id="chat-status" role="status" className="hint" />
        </div>
      </form>
      <noscript>
        <p className="note">This panel needs JavaScript.</p>
      </noscript>
      <div id="chat-output" className="chat-output" hidden>
        <details id="chat-reasoning" className="chat-reasoning" hidden>
          <summary>Reasoning</summary>
          <div id="chat-reasoning-text" className="chat-text" />
        </details>
        <div id="chat-answer" className="chat-text chat-answer" aria-live="polite" />
        <dl id="chat-timings" className="facts" hidden>
          <dt>Queue wait</dt>
          <dd id="chat-timing-queue">—</dd>
          <dt>Upstream first byte</dt>
          <dd id="chat-timing-first-byte">—</dd>
          <dt>First token</dt>
          <dd id="chat-timing-first-token">—</dd>
          <dt>Total</dt>
          <dd id="chat-timing-total">—</dd>
        </dl>
      </div>
      <script dangerouslySetInnerHTML={{ __html: CHAT_PANEL_SCRIPT }} />
    </section>
  );
}
