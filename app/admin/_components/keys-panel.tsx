import type { KeysPanel as KeysPanelData, ManagedKeyView } from '@/lib/admin/view/panels/describe-keys-panel';
import { formatDuration, formatUtc } from '@/lib/admin/view/format-time';
import type { UsageTotals } from '@/lib/keys/read-keys-usage';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';
import { TrafficChartSvg } from './traffic-chart-svg';

const STATE_LABELS = { active: 'active', revoked: 'revoked', expired: 'expired' } as const;

/**
 * "Client keys" (docs/keys.md): the managed keys and API_KEYS' names, each managed key's
 * usage (today, 30 days, per day) and last requests, and the forms that create a key, change
 * its limits and revoke it. No key text is ever on this page: a new key is shown once, on the
 * create action's own answer.
 */
export function KeysPanel({ panel, now, title }: { panel: KeysPanelData; now: number; title: string }) {
  const { defaults } = panel;
  return (
    <PanelFrame id="keys" title={title} panel={panel} wide>
      {panel.available && (panel.managed.length > 0 || panel.environment.length > 0) ? (
        <>
          <div className="table-wrap">
            <table className="nowrap" aria-label="Client keys and their limits">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                  <th scope="col">State</th>
                  <th scope="col">Models</th>
                  <th scope="col" className="num">rpm</th>
                  <th scope="col" className="num">Max concurrent</th>
                  <th scope="col" className="num">Daily tokens</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {panel.managed.map((key) => (
                  <tr key={key.id} data-key-id={key.id}>
                    <td>{key.name}</td>
                    <td className="mono">{key.id}</td>
                    <td>{key.state === 'revoked' && key.revokedAt ? <>revoked <TimeText at={key.revokedAt} now={now} /></> : STATE_LABELS[key.state]}</td>
                    <td>{key.models?.join(', ') ?? 'any'}</td>
                    <td className="num">{key.rpm ?? `${defaults.rpm} (default)`}</td>
                    <td className="num">{key.maxConcurrent ?? `${defaults.maxConcurrent} (default)`}</td>
                    <td className="num">{key.dailyTokens ?? 'no limit'}</td>
                    <td>{key.expiresAt === undefined ? 'never' : <span title={formatUtc(key.expiresAt)}>{formatUtc(key.expiresAt).slice(0, 16)}</span>}</td>
                    <td><TimeText at={key.createdAt} now={now} /></td>
                    <td>{key.usage.lastUsedAt === undefined ? 'never' : <TimeText at={key.usage.lastUsedAt} now={now} />}</td>
                  </tr>
                ))}
                {panel.environment.map((name, index) => (
                  <tr key={`environment-${index}`}>
                    <td>{name}</td>
                    <td>—</td>
                    <td>from the environment (API_KEYS, read-only)</td>
                    <td>any</td>
                    <td className="num">{defaults.rpm} (default)</td>
                    <td className="num">{defaults.maxConcurrent} (default)</td>
                    <td className="num">no limit</td>
                    <td>never</td>
                    <td>—</td>
                    <td>not recorded</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {panel.managed.length > 0 ? (
            <>
              <h3>Usage of the managed keys</h3>
              <div className="table-wrap">
                <table className="nowrap" aria-label="Usage per key, today and over the last 30 days (UTC)">
                  <thead>
                    <tr>
                      <th scope="col" rowSpan={2}>Key</th>
                      <th scope="colgroup" colSpan={4}>Today (UTC)</th>
                      <th scope="colgroup" colSpan={4}>Last 30 days</th>
                    </tr>
                    <tr>
                      {['today', '30 days'].flatMap((span) =>
                        ['Requests', 'Prompt tokens', 'Completion tokens', 'Errors'].map((column) => (
                          <th key={`${span}-${column}`} scope="col" className="num">{column}</th>
                        )),
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {panel.managed.map((key) => (
                      <tr key={key.id} data-usage-of={key.id}>
                        <td>{key.name}</td>
                        <UsageCells totals={key.usage.today} />
                        <UsageCells totals={key.usage.last30Days} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="note">API_KEYS entries have no usage counters (that would cost every request a store command).</p>
              {panel.managed.map((key) => (
                <KeyDetails key={key.id} entry={key} now={now} />
              ))}
            </>
          ) : null}
        </>
      ) : null}
      {panel.available ? (
        <details className="key-create" open={panel.managed.length === 0}>
          <summary>Create a key</summary>
          <form method="post" action="/admin/actions/create-key">
            <input type="hidden" name="formId" value={panel.createFormId} />
            <p className="hint">The key is shown once, on the next page; the gateway keeps only its SHA-256. Empty fields: no limit (rpm and max concurrent: the gateway&apos;s defaults).</p>
            <KeyFields prefix="new-key" />
            <div className="actions">
              <button type="submit">Create key</button>
            </div>
          </form>
        </details>
      ) : null}
    </PanelFrame>
  );
}

function UsageCells({ totals }: { totals: UsageTotals }) {
  return (
    <>
      <td className="num">{totals.requests}</td>
      <td className="num">{totals.promptTokens}</td>
      <td className="num">{totals.completionTokens}</td>
      <td className="num">{totals.errors}</td>
    </>
  );
}

/** One managed key: its 30 days as a chart (and a table), its last requests, and its forms. */
function KeyDetails({ entry, now }: { entry: ManagedKeyView; now: number }) {
  const usedDays = entry.usage.days.filter((day) => day.requests > 0 || day.errors > 0);
  return (
    <details id={`key-${entry.id}`} className="key-details">
      <summary>
        {entry.name} <span className="mono">{entry.id}</span> — {entry.usage.last30Days.requests} request(s) in 30 days
      </summary>
      <TrafficChartSvg chart={entry.usage.chart} />
      {usedDays.length > 0 ? (
        <details>
          <summary>The days with use as a table</summary>
          <div className="table-wrap">
            <table className="nowrap">
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col" className="num">Requests</th>
                  <th scope="col" className="num">Prompt tokens</th>
                  <th scope="col" className="num">Completion tokens</th>
                  <th scope="col" className="num">Errors</th>
                </tr>
              </thead>
              <tbody>
                {usedDays.map((day) => (
                  <tr key={day.day}>
                    <td>{day.day}</td>
                    <UsageCells totals={day} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      <h3>Last requests</h3>
      {entry.recent.length > 0 ? (
        <div className="table-wrap">
          <table className="nowrap">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Model</th>
                <th scope="col" className="num">Status</th>
                <th scope="col" className="num">Duration</th>
                <th scope="col" className="num">Tokens</th>
                <th scope="col">Ended</th>
              </tr>
            </thead>
            <tbody>
              {entry.recent.map((request, index) => (
                <tr key={`${request.at}-${index}`}>
                  <td><TimeText at={request.at} now={now} /></td>
                  <td>{request.model ?? '—'}</td>
                  <td className="num">{request.status}</td>
                  <td className="num">{formatDuration(request.durationMs)}</td>
                  <td className="num">{request.tokens ?? '—'}</td>
                  <td className="mono">{request.ended ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="note">None among the requests the gateway keeps (the newest 100, of every client).</p>
      )}
      {entry.state === 'revoked' ? (
        <p className="note">Revoked: every request with this key is refused. The record stays for its usage.</p>
      ) : (
        <>
          <details>
            <summary>Change limits</summary>
            <form method="post" action="/admin/actions/update-key">
              <input type="hidden" name="id" value={entry.id} />
              <p className="hint">An emptied field removes that limit. Every instance applies the change from the next request.</p>
              <KeyFields prefix={`edit-${entry.id}`} entry={entry} />
              <div className="actions">
                <button type="submit">Save limits</button>
              </div>
            </form>
          </details>
          <form method="post" action="/admin/actions/revoke-key" className="actions">
            <input type="hidden" name="id" value={entry.id} />
            <button type="submit" className="secondary danger">Revoke {entry.name}</button>
          </form>
        </>
      )}
    </details>
  );
}

/** The settings of a key, empty for a new one or filled with a key's own. */
function KeyFields({ prefix, entry }: { prefix: string; entry?: ManagedKeyView }) {
  const field = (name: string) => `${prefix}-${name}`;
  return (
    <div className="key-fields">
      <div>
        <label htmlFor={field('name')}>Name</label>
        <input id={field('name')} name="name" type="text" required maxLength={100} defaultValue={entry?.name} autoComplete="off" />
      </div>
      <div>
        <label htmlFor={field('models')}>Models (comma-separated; empty: any)</label>
        <input id={field('models')} name="models" type="text" defaultValue={entry?.models?.join(', ')} autoComplete="off" spellCheck={false} />
      </div>
      <div>
        <label htmlFor={field('rpm')}>Requests per minute</label>
        <input id={field('rpm')} name="rpm" type="number" min={1} step={1} defaultValue={entry?.rpm} />
      </div>
      <div>
        <label htmlFor={field('maxConcurrent')}>Max concurrent</label>
        <input id={field('maxConcurrent')} name="maxConcurrent" type="number" min={1} step={1} defaultValue={entry?.maxConcurrent} />
      </div>
      <div>
        <label htmlFor={field('dailyTokens')}>Daily tokens (UTC day)</label>
        <input id={field('dailyTokens')} name="dailyTokens" type="number" min={1} step={1} defaultValue={entry?.dailyTokens} />
      </div>
      <div>
        <label htmlFor={field('expiresAt')}>Expires (UTC)</label>
        <input id={field('expiresAt')} name="expiresAt" type="datetime-local" step={1} defaultValue={entry?.expiresAtText?.slice(0, 19)} />
      </div>
    </div>
  );
}
