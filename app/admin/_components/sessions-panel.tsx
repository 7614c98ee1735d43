import type { SessionView, SessionsPanel as SessionsPanelData } from '@/lib/admin/view/panels/describe-sessions-panel';
import { formatDuration } from '@/lib/admin/view/format-time';
import { ActionButton } from './action-button';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

/** Longest list shown per table; the count says how many there are. */
const ROWS_SHOWN = 15;

function SessionTable({ caption, sessions, now }: { caption: string; sessions: SessionView[]; now: number }) {
  if (sessions.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="nowrap">
        <caption style={{ textAlign: 'left', fontWeight: 600, padding: '.3rem 0' }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Model</th>
            <th scope="col">Created</th>
            <th scope="col">Lease</th>
          </tr>
        </thead>
        <tbody>
          {sessions.slice(0, ROWS_SHOWN).map((session, index) => (
            <tr key={`${session.maskedId}-${index}`}>
              <td className="mono">{session.maskedId}</td>
              <td>{session.model}</td>
              <td><TimeText at={session.createdAt} now={now} /></td>
              <td>{session.leaseUntil > now ? `${formatDuration(session.leaseUntil - now)} left` : <>expired <TimeText at={session.leaseUntil} now={now} /></>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length > ROWS_SHOWN ? <p className="note">…and {sessions.length - ROWS_SHOWN} more.</p> : null}
    </div>
  );
}

export function SessionsPanel({ panel, now, title, account }: { panel: SessionsPanelData; now: number; title: string; account?: string }) {
  return (
    <PanelFrame id="sessions" title={title} panel={panel}>
      <dl className="facts">
        <dt>Open now</dt>
        <dd>{panel.open.length} (each with a {formatDuration(panel.leaseMs)} lease its request renews while it streams)</dd>
        <dt>Left behind</dt>
        <dd>
          {panel.expired.length} with an expired lease, not yet deleted
          {panel.deleteBatchSize > 1 ? ` (deleted in batches of ${panel.deleteBatchSize}: fewer than that is the queue filling up)` : ''}
        </dd>
        <dt>Last sweep</dt>
        <dd>
          {panel.sweep ? (
            <>
              <TimeText at={panel.sweep.at} now={now} />: {panel.sweep.deleted} deleted ({panel.sweep.totalDeleted} in all)
            </>
          ) : (
            'none recorded'
          )}
        </dd>
      </dl>
      <SessionTable caption="Open" sessions={panel.open} now={now} />
      <SessionTable caption="Left behind (the sweep deletes these)" sessions={panel.expired} now={now} />
      <p className="note">
        XIPU has no endpoint that lists an account&apos;s sessions: this is what the gateway itself recorded. Your own browser chats and the heartbeat
        session are not here and are never touched.
      </p>
      <div className="actions">
        <ActionButton account={account} action="sweep">Sweep sessions now</ActionButton>
      </div>
    </PanelFrame>
  );
}
