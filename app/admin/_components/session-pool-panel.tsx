import type { SessionPoolPanel as SessionPoolPanelData } from '@/lib/admin/view/panels/describe-session-pool-panel';
import { formatDuration } from '@/lib/admin/view/format-time';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

export function SessionPoolPanel({ panel, now, title }: { panel: SessionPoolPanelData; now: number; title: string }) {
  const { policy, status } = panel;
  return (
    <PanelFrame id="sessionPool" title={title} panel={panel}>
      <dl className="facts">
        <dt>Target size</dt>
        <dd>{policy.size === 0 ? 'off (SESSION_POOL_SIZE=0)' : `${policy.size} ready sessions (SESSION_POOL_SIZE)`}</dd>
        {status ? (
          <>
            <dt>Ready</dt>
            <dd>{status.pooledByModel.length === 0 ? 'none' : status.pooledByModel.map((entry) => `${entry.model}: ${entry.count}`).join(', ')}</dd>
            <dt>Refilling</dt>
            <dd>{status.refilling}</dd>
            <dt>In flight</dt>
            <dd>{status.inFlight}</dd>
            <dt>Pending deletes</dt>
            <dd>
              {status.pendingDeletes} of a batch of {policy.deleteBatchSize} (SESSION_DELETE_BATCH)
              {status.oldestPendingAt !== undefined ? `, the oldest waiting ${formatDuration(now - status.oldestPendingAt)}` : ''}
            </dd>
            <dt>Held</dt>
            <dd>
              {status.total} of {policy.bound} (pooled, refilling, in flight and pending deletes; XIPU allows 50)
            </dd>
            <dt>Claims</dt>
            <dd>
              {status.hits} hit(s), {status.misses} miss(es)
              {panel.hitRate === undefined ? '' : `: ${Math.round(panel.hitRate * 100)} % hit rate`}
            </dd>
            <dt>Refills</dt>
            <dd>
              {status.refills} made, {status.refillFailures} refused
              {status.lastRefillAt !== undefined ? (
                <>
                  ; the last <TimeText at={status.lastRefillAt} now={now} />
                </>
              ) : null}
            </dd>
            {status.refillError ? (
              <>
                <dt>Last refill error</dt>
                <dd>
                  <TimeText at={status.refillError.at} now={now} />: {status.refillError.message || 'no message'}
                </dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      <p className="note">
        Sessions made ahead in background turns, so a chat need not wait for one; a chat&apos;s ended session waits for a batched delete. When XIPU refuses
        refills (its 50-session cap, say) chats still work, each creating its own session: sweep sessions to make room.
      </p>
    </PanelFrame>
  );
}
