import type { PacerPanel as PacerPanelData } from '@/lib/admin/view/panels/describe-pacer-panel';
import { formatDuration } from '@/lib/admin/view/format-time';
import { PanelFrame } from './panel-frame';

export function PacerPanel({ panel, title }: { panel: PacerPanelData; title: string }) {
  return (
    <PanelFrame id="pacer" title={title} panel={panel}>
      <dl className="facts">
        <dt>Gap</dt>
        <dd>{formatDuration(panel.gapMs)} between calls + {formatDuration(panel.allowanceMs)} allowance</dd>
        <dt>Calls waiting now</dt>
        <dd>about {panel.waitingEstimate} (a call now would wait {formatDuration(panel.waitMs)})</dd>
        <dt>Longest wait</dt>
        <dd>{formatDuration(panel.maxWaitMs)}, then 429 upstream_busy</dd>
        <dt>Streams</dt>
        <dd>{panel.serializeStreams ? 'serialised (an open stream keeps the account busy)' : 'not serialised'}</dd>
        <dt>Recent waits</dt>
        <dd>{panel.recentWaitsMs && panel.recentWaitsMs.length > 0 ? panel.recentWaitsMs.map((wait) => formatDuration(wait)).join(', ') : 'not recorded'}</dd>
      </dl>
      <p className="note">
        Every upstream call of every instance takes a turn in one shared schedule. &quot;Waiting&quot; is an estimate: the schedule&apos;s next free slot minus
        now, divided by gap + allowance.
      </p>
    </PanelFrame>
  );
}
