/** One hour of traffic, as lib/metrics `readTrafficSeries` returns it. */
export interface TrafficHour {
  hourStart: number;
  requests: number;
  errors: number;
  ttftAvgMs: number | null;
}

/** One UTC day of a key's usage, as the keys panel charts it. */
export interface UsageDay {
  /** Midnight UTC (epoch ms). */
  dayStart: number;
  requests: number;
  errors: number;
  /** Prompt plus completion tokens. */
  tokens: number;
}

/**
 * A bar chart with errors at each bar's foot and a line on a second axis, laid out on the
 * server and drawn by app/admin/_components/traffic-chart-svg.tsx: the 24-hour traffic (line:
 * time to first token) and a key's 30 days (line: tokens).
 */
export interface BarLineChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: Array<{ x: number; width: number; requestsY: number; requestsHeight: number; errorsY: number; errorsHeight: number; title: string }>;
  /** SVG path of the line, broken where a bucket had no value. */
  linePath: string;
  linePoints: Array<{ x: number; y: number }>;
  requestTicks: Array<{ y: number; label: string }>;
  lineTicks: Array<{ y: number; label: string }>;
  /** Labels under the axis (hours, days). */
  bucketTicks: Array<{ x: number; label: string }>;
  /** What the chart shows, for screen readers. */
  summary: string;
  legend: { bars: string; line: string; buckets: string };
}

export interface TrafficChart extends BarLineChart {
  totals: { requests: number; errors: number; ttftAvgMs: number | null };
}

export interface UsageChart extends BarLineChart {
  totals: { requests: number; errors: number; tokens: number };
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
  const requests = series.reduce((sum, hour) => sum + hour.requests, 0);
  const errors = series.reduce((sum, hour) => sum + hour.errors, 0);
  const weighted = series.filter((hour) => hour.ttftAvgMs !== null && hour.requests > 0);
  const weight = weighted.reduce((sum, hour) => sum + hour.requests, 0);
  const ttftAvgMs = weight > 0 ? weighted.reduce((sum, hour) => sum + (hour.ttftAvgMs ?? 0) * hour.requests, 0) / weight : null;
  const chart = layoutBarLineChart(
    series.map((hour) => ({ start: hour.hourStart, requests: hour.requests, errors: hour.errors, line: hour.ttftAvgMs })),
    {
      label: hourLabel,
      labelEvery: 6,
      lineFloor: 100,
      lineMinStep: 50,
      lineTick: (value) => (value >= 1000 ? `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)} s` : `${Math.round(value)} ms`),
      title: (bucket) => `${hourLabel(bucket.start)} UTC: ${bucket.requests} request(s), ${bucket.errors} error(s), ${bucket.line === null ? 'no answer' : `${Math.round(bucket.line)} ms to first token`}`,
      summary: `Requests, errors and average time to first token per hour over the last 24 hours: ${requests} requests, ${errors} errors.`,
      legend: { bars: 'requests per hour (left axis)', line: 'average time to first token (right axis)', buckets: 'hours in UTC' },
    },
  );
  return { ...chart, totals: { requests, errors, ttftAvgMs } };
}

/** A managed key's last days (lib/keys readKeysUsage): requests and errors per day, tokens as the line. */
export function layoutUsageChart(days: readonly UsageDay[]): UsageChart {
  const requests = days.reduce((sum, day) => sum + day.requests, 0);
  const errors = days.reduce((sum, day) => sum + day.errors, 0);
  const tokens = days.reduce((sum, day) => sum + day.tokens, 0);
  const chart = layoutBarLineChart(
    days.map((day) => ({ start: day.dayStart, requests: day.requests, errors: day.errors, line: day.requests > 0 ? day.tokens : null })),
    {
      label: dayLabel,
      labelEvery: 7,
      lineFloor: 10,
      lineMinStep: 1,
      lineTick: formatTokens,
      title: (bucket) => `${new Date(bucket.start).toISOString().slice(0, 10)}: ${bucket.requests} request(s), ${bucket.errors} error(s), ${bucket.line ?? 0} token(s)`,
      summary: `Requests, errors and tokens per day over the last ${days.length} days: ${requests} requests, ${errors} errors, ${tokens} tokens.`,
      legend: { bars: 'requests per day (left axis)', line: 'tokens per day (right axis)', buckets: 'days in UTC' },
    },
  );
  return { ...chart, totals: { requests, errors, tokens } };
}

interface ChartBucket {
  start: number;
  requests: number;
  errors: number;
  /** The line's value; null breaks the line. */
  line: number | null;
}

interface ChartFormat {
  label(start: number): string;
  /** A label under every this many buckets, and the last (the one before it left out when they would crowd). */
  labelEvery: number;
  /** The line axis reaches at least this, in steps of at least `lineMinStep`. */
  lineFloor: number;
  lineMinStep: number;
  lineTick(value: number): string;
  title(bucket: ChartBucket): string;
  summary: string;
  legend: BarLineChart['legend'];
}

function layoutBarLineChart(series: readonly ChartBucket[], format: ChartFormat): BarLineChart {
  const plotWidth = PLOT.right - PLOT.left;
  const plotHeight = PLOT.bottom - PLOT.top;
  const maxRequests = axisTop(Math.max(1, ...series.map((bucket) => bucket.requests)), 1);
  const lineValues = series.flatMap((bucket) => (bucket.line === null ? [] : [bucket.line]));
  const maxLine = axisTop(Math.max(format.lineFloor, ...lineValues), format.lineMinStep);
  const slot = plotWidth / Math.max(1, series.length);
  const barWidth = Math.max(2, slot * 0.7);
  const yOf = (value: number, max: number) => PLOT.bottom - (value / max) * plotHeight;

  const bars = series.map((bucket, index) => {
    const x = PLOT.left + index * slot + (slot - barWidth) / 2;
    const requestsY = yOf(bucket.requests, maxRequests);
    const errorsY = yOf(Math.min(bucket.errors, bucket.requests || bucket.errors), maxRequests);
    return {
      x: round(x),
      width: round(barWidth),
      requestsY: round(requestsY),
      requestsHeight: round(PLOT.bottom - requestsY),
      errorsY: round(errorsY),
      errorsHeight: round(PLOT.bottom - errorsY),
      title: format.title(bucket),
    };
  });

  const linePoints: Array<{ x: number; y: number }> = [];
  let linePath = '';
  let drawing = false;
  series.forEach((bucket, index) => {
    if (bucket.line === null) {
      drawing = false;
      return;
    }
    const point = { x: round(PLOT.left + index * slot + slot / 2), y: round(yOf(bucket.line, maxLine)) };
    linePoints.push(point);
    linePath += `${drawing ? 'L' : 'M'}${point.x} ${point.y} `;
    drawing = true;
  });

  const requestTicks = Array.from({ length: TICKS + 1 }, (_, index) => {
    const value = (maxRequests / TICKS) * index;
    return { y: round(yOf(value, maxRequests)), label: formatCount(value) };
  });
  const lineTicks = Array.from({ length: TICKS + 1 }, (_, index) => {
    const value = (maxLine / TICKS) * index;
    return { y: round(yOf(value, maxLine)), label: format.lineTick(value) };
  });
  // Every labelEvery-th bucket and the last, unless that one would crowd the last label.
  const last = series.length - 1;
  const bucketTicks = series.flatMap((bucket, index) =>
    index === last || (index % format.labelEvery === 0 && last - index >= format.labelEvery / 2)
      ? [{ x: round(PLOT.left + index * slot + slot / 2), label: format.label(bucket.start) }]
      : [],
  );

  return { width: WIDTH, height: HEIGHT, plot: PLOT, bars, linePath: linePath.trim(), linePoints, requestTicks, lineTicks, bucketTicks, summary: format.summary, legend: format.legend };
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

/** `05-01`: month and day, UTC. */
function dayLabel(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(5, 10);
}

/** 950, 1.5k, 20k, 1.2M: the tokens axis stays narrow. */
function formatTokens(value: number): string {
  if (value >= 1_000_000) return `${trimZero((value / 1_000_000).toFixed(1))}M`;
  if (value >= 1_000) return `${trimZero((value / 1_000).toFixed(1))}k`;
  return formatCount(value);
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
