import type { TrafficPanel as TrafficPanelData } from '@/lib/admin/view/panels/describe-traffic-panel';
import { formatDuration, formatUtc } from '@/lib/admin/view/format-time';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';
import { TrafficChartSvg } from './traffic-chart-svg';

export function TrafficPanel({ panel, now, title }: { panel: TrafficPanelData; now: number; title: string }) {
  return (
    <PanelFrame id="traffic" title={title} panel={panel} wide>
      {panel.chart ? <TrafficChartSvg chart={panel.chart} /> : null}
      {panel.available ? (
        <details>
          <summary>The chart as a table</summary>
          <div className="table-wrap">
            <table className="nowrap">
              <thead>
                <tr>
                  <th scope="col">Hour (UTC)</th>
                  <th scope="col" className="num">Requests</th>
                  <th scope="col" className="num">Errors</th>
                  <th scope="col" className="num">Avg. time to first token</th>
                </tr>
              </thead>
              <tbody>
                {panel.series.map((hour) => (
                  <tr key={hour.hourStart}>
                    <td>{formatUtc(hour.hourStart).slice(0, 16)}</td>
                    <td className="num">{hour.requests}</td>
                    <td className="num">{hour.errors}</td>
                    <td className="num">{hour.ttftAvgMs === null ? '—' : `${hour.ttftAvgMs} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      {panel.recent.length > 0 ? (
        <>
          <h3>Last requests</h3>
          <div className="table-wrap">
            <table className="nowrap">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col" className="num">Status</th>
                  <th scope="col">Model</th>
                  <th scope="col">Client</th>
                  <th scope="col" className="num">First token</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col">Ended</th>
                </tr>
              </thead>
              <tbody>
                {panel.recent.map((request, index) => (
                  <tr key={`${request.at}-${index}`}>
                    <td><TimeText at={request.at} now={now} /></td>
                    <td className="num">{request.status}</td>
                    <td>{request.model ?? '—'}</td>
                    <td>{request.client ?? '—'}</td>
                    <td className="num">{request.ttftMs === undefined ? '—' : formatDuration(request.ttftMs)}</td>
                    <td className="num">{request.durationMs === undefined ? '—' : formatDuration(request.durationMs)}</td>
                    <td className="mono">{request.error ?? request.finishReason ?? '—'}{request.stream ? ' · stream' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : panel.available ? (
        <p className="note">No request recorded yet.</p>
      ) : null}
    </PanelFrame>
  );
}
