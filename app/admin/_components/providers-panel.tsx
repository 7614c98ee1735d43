import type { ProvidersPanel as ProvidersPanelData } from '@/lib/admin/view/panels/describe-providers-panel';
import { PanelFrame } from './panel-frame';
import { StatusBadge } from './status-badge';
import { TimeText } from './time-text';

const ENDPOINT_LEVELS = { available: 'green', unavailable: 'amber', unknown: 'unknown' } as const;

/** Every source of models and its endpoints, as routing sees them now (docs/providers.md). */
export function ProvidersPanel({ panel, title, now }: { panel: ProvidersPanelData; title: string; now: number }) {
  return (
    <PanelFrame id="providers" title={title} panel={panel} wide>
      {panel.sources.map((source) => (
        <table key={source.id} className="table">
          <caption>
            <span className="mono">{source.id}</span> · {source.models.length === 0 ? 'no models listed' : source.models.slice(0, 12).join(', ')}
            {source.models.length > 12 ? ` and ${source.models.length - 12} more` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">State</th>
              <th scope="col">Now</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {source.endpoints.length === 0 ? (
              <tr>
                <td colSpan={4}>none</td>
              </tr>
            ) : (
              source.endpoints.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td className="mono">{endpoint.id}</td>
                  <td>
                    <StatusBadge level={ENDPOINT_LEVELS[endpoint.state]} /> {endpoint.state}
                  </td>
                  <td>{endpoint.reason}</td>
                  <td>{endpoint.lastError ? <><span className="mono">{endpoint.lastError.code}</span> <TimeText at={endpoint.lastError.at} now={now} /></> : '—'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ))}
      {panel.workers ? (
        <table className="table">
          <caption>Registered workers (POST /api/workers)</caption>
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Models</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col">In flight</th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody>
            {panel.workers.length === 0 ? (
              <tr>
                <td colSpan={5}>none registered (npm run worker, docs/workers.md)</td>
              </tr>
            ) : (
              panel.workers.map((worker) => (
                <tr key={worker.id}>
                  <td>
                    <span className="mono">{worker.id}</span> {worker.baseUrl}
                  </td>
                  <td>{worker.models.join(', ')}</td>
                  <td>
                    <TimeText at={worker.lastHeartbeatAt} now={now} /> (expires <TimeText at={worker.expiresAt} now={now} />)
                  </td>
                  <td>{worker.inFlight}</td>
                  <td>{worker.health}{worker.failures > 0 ? ` · ${worker.failures} failure(s) in a row` : ''}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ) : null}
      <p className="note">
        A request goes to the endpoint that can start soonest, then the one with the fewest calls in flight; an unavailable one is tried only when nothing else
        can serve. Failover happens before the first byte only.
      </p>
    </PanelFrame>
  );
}
