import { layoutTrafficChart, type TrafficChart, type TrafficHour } from '../traffic-chart';
import type { PanelState } from '../status-level';

/** One recent request as the page lists it (from lib/metrics, already free of secrets). */
export interface RecentRequestView {
  at: number;
  model?: string;
  status: number;
  client?: string;
  ttftMs?: number;
  durationMs?: number;
  /** A fixed error code (never a message). */
  error?: string;
  /** The endpoint that answered or last failed (`xipu:default`, `worker:<id>`): the Providers panel's last error. */
  upstream?: string;
  finishReason?: string;
  stream?: boolean;
}

export interface TrafficPanel extends PanelState {
  /** False when this deployment records no metrics. */
  available: boolean;
  recent: RecentRequestView[];
  series: TrafficHour[];
  chart?: TrafficChart;
}

/** Share of failed requests in the last 24 h above which the panel turns amber, then red. */
const ERROR_RATE_AMBER = 0.05;
const ERROR_RATE_RED = 0.25;

/** Requests, errors and time to first token over 24 h, and the last requests. */
export function describeTrafficPanel(input: { recent?: RecentRequestView[]; series?: TrafficHour[]; problem?: string }): TrafficPanel {
  if (!input.recent || !input.series) {
    return { available: false, recent: [], series: [], level: 'unknown', reason: input.problem ?? 'Traffic is not recorded by this deployment.' };
  }
  const chart = layoutTrafficChart(input.series);
  const { requests, errors, ttftAvgMs } = chart.totals;
  const base = { available: true, recent: input.recent, series: input.series, chart };
  if (requests === 0) return { ...base, level: 'green', reason: 'No requests in the last 24 h.' };
  const rate = errors / requests;
  const ttft = ttftAvgMs === null ? '' : `, ${Math.round(ttftAvgMs)} ms to first token on average`;
  const summary = `${requests} request(s) in 24 h, ${errors} error(s) (${Math.round(rate * 100)} %)${ttft}.`;
  if (rate >= ERROR_RATE_RED) return { ...base, level: 'red', reason: summary };
  if (rate >= ERROR_RATE_AMBER) return { ...base, level: 'amber', reason: summary };
  return { ...base, level: 'green', reason: summary };
}
