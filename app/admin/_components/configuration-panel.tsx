import type { ConfigurationPanel as ConfigurationPanelData } from '@/lib/admin/view/panels/describe-configuration-panel';
import { PanelFrame } from './panel-frame';
import { StatusBadge } from './status-badge';

export function ConfigurationPanel({ panel, title }: { panel: ConfigurationPanelData; title: string }) {
  return (
    <PanelFrame id="configuration" title={title} panel={panel} wide>
      <div className="table-wrap">
        <table className="stack">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">State</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {panel.items.map((item) => (
              <tr key={item.name}>
                <th scope="row" style={{ background: 'transparent' }}>
                  <StatusBadge level={item.level} /> <span className="mono">{item.name}</span>
                </th>
                <td>{item.value}</td>
                <td>{item.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="note">Only whether a secret is set is shown here, never its value.</p>
    </PanelFrame>
  );
}
