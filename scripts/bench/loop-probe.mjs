/**
 * Preloaded into a gateway process by the benchmark (`NODE_OPTIONS=--import …/loop-probe.mjs`,
 * with BENCH_PROBE_FILE set): every 100 ms it appends one JSON line with the longest event-loop
 * delay of that interval and the process's memory, so the benchmark can read what happened
 * inside `next start` between two instants without touching the gateway's code.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const timer = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    const line = { at: performance.timeOrigin + performance.now(), maxDelayMs: histogram.max / 1e6, rss, heapUsed };
    histogram.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 100);
  timer.unref();
}
