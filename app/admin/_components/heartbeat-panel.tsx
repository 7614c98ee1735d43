import type { HeartbeatPanel as HeartbeatPanelData } from '@/lib/admin/view/panels/describe-heartbeat-panel';
import { ActionButton } from './action-button';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

const ACTION_WORDS = { updated: 'updated the session', recreated: 'recreated the session (the stored one was gone)', created: 'created the session' } as const;

export function HeartbeatPanel({ panel, now, title, account }: { panel: HeartbeatPanelData; now: number; title: string; account?: string }) {
  return (
    <PanelFrame id="heartbeat" title={title} panel={panel}>
      <dl className="facts">
        <dt>Session</dt>
        <dd className="mono">{panel.maskedSessionId ?? 'none yet'}</dd>
        <dt>Last beat</dt>
        <dd>{panel.at ? <TimeText at={panel.at} now={now} /> : 'never'}</dd>
        <dt>Outcome</dt>
        <dd>{panel.action ? `OK: ${ACTION_WORDS[panel.action]}` : '—'}</dd>
        {panel.lastFailure ? (
          <>
            <dt>Keep-alive job</dt>
            <dd>
              failed <TimeText at={panel.lastFailure.at} now={now} />: {panel.lastFailure.message}
            </dd>
          </>
        ) : null}
      </dl>
      <p className="note">One persistent session, updated in place by its id: the cheapest call that proves the token still works. Never swept.</p>
      <div className="actions">
        <ActionButton account={account} action="heartbeat">Heartbeat now</ActionButton>
      </div>
    </PanelFrame>
  );
}
