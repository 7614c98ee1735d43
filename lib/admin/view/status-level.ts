/**
 * A panel's state at a glance. Green: working. Amber: working, but look (something will
 * break, or nobody knows yet). Red: broken now. Unknown: not checked (reachability before
 * its first check, traffic without metrics).
 */
export type StatusLevel = 'green' | 'amber' | 'red' | 'unknown';

/** Words beside each colour, so the state never depends on colour alone. */
export const STATUS_LABELS: Record<StatusLevel, string> = { green: 'OK', amber: 'Check', red: 'Problem', unknown: 'Unknown' };

/** Every panel says its state and why, in one line. */
export interface PanelState {
  level: StatusLevel;
  reason: string;
}

const SEVERITY: Record<StatusLevel, number> = { green: 0, unknown: 1, amber: 2, red: 3 };

/** The most severe of `levels` (green when none). */
export function worstLevel(levels: readonly StatusLevel[]): StatusLevel {
  return levels.reduce<StatusLevel>((worst, level) => (SEVERITY[level] > SEVERITY[worst] ? level : worst), 'green');
}
