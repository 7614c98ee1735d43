import type { ReachabilityReport } from '../../context/reachability-report';
import { formatRelative } from '../format-time';
import type { PanelState } from '../status-level';

export interface ReachabilityPanel extends PanelState {
  report?: ReachabilityReport;
}

/** The last "Check reachability" result (kept a day). */
export function describeReachabilityPanel(input: { report?: ReachabilityReport; now: number }): ReachabilityPanel {
  const { report, now } = input;
  if (!report) return { level: 'unknown', reason: 'Not checked yet: press "Check reachability".' };
  const failed = report.targets.filter((target) => !target.reachable);
  const when = formatRelative(report.at, now);
  if (failed.length > 0) {
    return { report, level: 'red', reason: `${failed.map((target) => `${target.name}: ${target.error ?? 'unreachable'}`).join('; ')} (checked ${when}).` };
  }
  return { report, level: 'green', reason: `Both hosts answered (checked ${when}).` };
}
