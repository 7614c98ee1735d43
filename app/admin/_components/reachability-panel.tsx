import type { ReachabilityPanel as ReachabilityPanelData } from '@/lib/admin/view/panels/describe-reachability-panel';
import { ActionButton } from './action-button';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

export function ReachabilityPanel({ panel, now, title, account }: { panel: ReachabilityPanelData; now: number; title: string; account?: string }) {
  return (
    <PanelFrame id="reachability" title={title} panel={panel}>
      {panel.report ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Result</th>
                <th scope="col" className="num">Time</th>
              </tr>
            </thead>
            <tbody>
              {panel.report.targets.map((target) => (
                <tr key={target.name}>
                  <td>
                    {target.name}
                    <br />
                    <span className="mono">{target.url}</span>
                  </td>
                  <td>{target.reachable ? `reachable (HTTP ${target.status})` : `not reachable: ${target.error ?? 'no answer'}`}</td>
                  <td className="num">{target.elapsedMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="note">
            Checked <TimeText at={panel.report.at} now={now} />.
          </p>
        </div>
      ) : null}
      <p className="note">One plain GET of each host, 5 s timeout, no credentials: it never touches the account. A region far from campus may not reach XIPU at all.</p>
      <div className="actions">
        <ActionButton account={account} action="check-reachability">Check reachability</ActionButton>
      </div>
    </PanelFrame>
  );
}
