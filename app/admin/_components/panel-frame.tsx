import type { ReactNode } from 'react';
import type { PanelState } from '@/lib/admin/view/status-level';
import { StatusBadge } from './status-badge';

/** A panel: its title with the state badge, the one-line reason, then its details. */
export function PanelFrame({ id, title, panel, wide = false, children }: { id: string; title: string; panel: PanelState; wide?: boolean; children?: ReactNode }) {
  return (
    <section id={id} className={`panel level-${panel.level}${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        <StatusBadge level={panel.level} /> {title}
      </h2>
      <p className="reason">{panel.reason}</p>
      {children}
    </section>
  );
}
