import type { ProvidersPanel as ProvidersPanelData } from '@/lib/admin/view/panels/describe-providers-panel';
import { PanelFrame } from './panel-frame';
import { StatusBadge } from './status-badge';

const ENDPOINT_LEVELS = { available: 'green', unavailable: 'amber', unknown: 'unknown' } as const;

/** Every source of models and its endpoints, as routing sees them now (docs/providers.md). */
export function ProvidersPanel({ panel, title }: { panel: ProvidersPanelData; title: string }) {
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
            </tr>
          </thead>
          <tbody>
            {source.endpoints.length === 0 ? (
              <tr>
                <td colSpan={3}>none</td>
              </tr>
            ) : (
              source.endpoints.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td className="mono">{endpoint.id}</td>
                  <td>
                    <StatusBadge level={ENDPOINT_LEVELS[endpoint.state]} /> {endpoint.state}
                  </td>
                  <td>{endpoint.reason}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ))}
      <p className="note">
        A request goes to the endpoint that can start soonest, then the one with the fewest calls in flight; an unavailable one is tried only when nothing else
        can serve. Failover happens before the first byte only.
      </p>
    </PanelFrame>
  );
}
