/** One hour of traffic, as lib/metrics `readTrafficSeries` returns it. */
export interface TrafficHour {
  hourStart: number;
  requests: number;
  errors: number;
  ttftAvgMs: number | null;
}

export interface TrafficChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: Array<{ x: number; width: number; requestsY: number; requestsHeight: number; errorsY: number; errorsHeight: number; title: string }>;
  /** SVG path of the average time to first token, broken where an hour had no requests. */
  ttftPath: string;
  ttftPoints: Array<{ x: number; y: number }>;
  requestTicks: Array<{ y: number; label: string }>;
  ttftTicks: Array<{ y: number; label: string }>;
  hourTicks: Array<{ x: number; label: string }>;
  totals: { requests: number; errors: number; ttftAvgMs: number | null };
}

const WIDTH = 720;
const HEIGHT = 220;
const PLOT = { left: 44, top: 12, right: WIDTH - 52, bottom: HEIGHT - 28 };

/**
 * The geometry of the 24-hour traffic chart, computed on the server and drawn as inline SVG
 * (no chart library, no client script): a bar per hour for requests with its errors in red
 * at the foot, and a line for the average time to first token on a second axis.
 */
export function layoutTrafficChart(series: readonly TrafficHour[]): TrafficChart {
  const plotWidth = PLOT.right - PLOT.left;
  const plotHeight = PLOT.bottom - PLOT.top;
  const maxRequests = axisTop(Math.max(1, ...series.map((hour) => hour.requests)), 1);
  const ttftValues = series.flatMap((hour) => (hour.ttftAvgMs === null ? [] : [hour.ttftAvgMs]));
  const maxTtft = axisTop(Math.max(100, ...ttftValues), 50);
  const slot = plotWidth / Math.max(1, series.length);
  const barWidth = Math.max(2, slot * 0.7);
  const yOf = (value: number, max: number) => PLOT.bottom - (value / max) * plotHeight;

  const bars = series.map((hour, index) => {
    const x = PLOT.left + index * slot + (slot - barWidth) / 2;
    const requestsY = yOf(hour.requests, maxRequests);
    const errorsY = yOf(Math.min(hour.errors, hour.requests || hour.errors), maxRequests);
    const ttft = hour.ttftAvgMs === null ? 'no answer' : `${Math.round(hour.ttftAvgMs)} ms to first token`;
    return {
      x: round(x),
      width: round(barWidth),
      requestsY: round(requestsY),
      requestsHeight: round(PLOT.bottom - requestsY),
      errorsY: round(errorsY),
      errorsHeight: round(PLOT.bottom - errorsY),
      title: `${hourLabel(hour.hourStart)} UTC: ${hour.requests} request(s), ${hour.errors} error(s), ${ttft}`,
    };
  });

  const ttftPoints: Array<{ x: number; y: number }> = [];
  let ttftPath = '';
  let drawing = false;
  series.forEach((hour, index) => {
    if (hour.ttftAvgMs === null) {
      drawing = false;
      return;
    }
    const point = { x: round(PLOT.left + index * slot + slot / 2), y: round(yOf(hour.ttftAvgMs, maxTtft)) };
    ttftPoints.push(point);
    ttftPath += `${drawing ? 'L' : 'M'}${point.x} ${point.y} `;
    drawing = true;
  });

  const requestTicks = Array.from({ length: TICKS + 1 }, (_, index) => {
    const value = (maxRequests / TICKS) * index;
    return { y: round(yOf(value, maxRequests)), label: formatCount(value) };
  });
  const ttftTicks = Array.from({ length: TICKS + 1 }, (_, index) => {
    const value = (maxTtft / TICKS) * index;
    return { y: round(yOf(value, maxTtft)), label: value >= 1000 ? `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)} s` : `${Math.round(value)} ms` };
  });
  const hourTicks = series.flatMap((hour, index) =>
    index % 6 === 0 || index === series.length - 1 ? [{ x: round(PLOT.left + index * slot + slot / 2), label: hourLabel(hour.hourStart) }] : [],
  );

  const requests = series.reduce((sum, hour) => sum + hour.requests, 0);
  const errors = series.reduce((sum, hour) => sum + hour.errors, 0);
  const weighted = series.filter((hour) => hour.ttftAvgMs !== null && hour.requests > 0);
  const weight = weighted.reduce((sum, hour) => sum + hour.requests, 0);
  const ttftAvgMs = weight > 0 ? weighted.reduce((sum, hour) => sum + (hour.ttftAvgMs ?? 0) * hour.requests, 0) / weight : null;

  return {
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    bars,
    ttftPath: ttftPath.trim(),
    ttftPoints,
    requestTicks,
    ttftTicks,
    hourTicks,
    totals: { requests, errors, ttftAvgMs },
  };
}

/** Gridlines above the axis: every tick a round number (1, 2, 5 × 10^n apart). */
const TICKS = 4;

/** The axis' top: TICKS steps of a round size, the step at least `minStep` (whole requests, 50 ms). */
function axisTop(value: number, minStep: number): number {
  return Math.max(minStep, niceCeiling(value / TICKS)) * TICKS;
}

/** 1, 2, 5 × 10^n at or above `value`. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= value) return factor * magnitude;
  return 10 * magnitude;
}

function hourLabel(hourStart: number): string {
  return `${new Date(hourStart).toISOString().slice(11, 13)}:00`;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
