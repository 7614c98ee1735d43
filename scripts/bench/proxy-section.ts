import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { startGatewayProcess } from '../../tests/support/gateway-process';
import { gatewayChat, type GatewayChatResult } from './gateway-client';
import { median, ms, quantile, table } from './stats';

/**
 * Section 7: the proxy's own cost with an OpenAI-compatible upstream (UPSTREAMS). One
 * `next start` in front of the fake OpenAI-compatible server (simulator/openai-compatible/),
 * `streams` concurrent streaming chats through it and, separately, straight to the server with
 * the same client: time to first token p50/p95/p99 each and the difference (what the gateway
 * adds), memory per open stream and the longest event-loop delay inside the gateway process
 * (scripts/bench/loop-probe.mjs, preloaded), Redis commands per chat. LiteLLM publishes
 * 2 / 8 / 13 ms added (median / p95 / p99); the aim is below it.
 */

const PROBE = path.join(import.meta.dirname, 'loop-probe.mjs');
const MODEL = 'bench-upstream-model';

export interface ProxySection {
  streams: number;
  direct: GatewayChatResult[];
  gateway: GatewayChatResult[];
  /** Peak resident memory during the gateway's run minus before it, per stream (bytes). */
  memoryPerStreamBytes: number;
  heapPerStreamBytes: number;
  longestLoopDelayMs: number;
  commandsPerChat: number;
}

interface ProbeLine {
  at: number;
  maxDelayMs: number;
  rss: number;
  heapUsed: number;
}

export async function runProxySection(options: {
  streams: number;
  redis: { url: string; token: string; commandCount(): number };
  apiKey: string;
  progress: (message: string) => void;
}): Promise<ProxySection> {
  const { streams, progress } = options;
  // Each answer: a first token after 20 ms, then 20 pieces 25 ms apart: about 0.5 s a stream,
  // so all of them are open at once.
  const upstream = await startOpenAiCompatibleServer({ models: [MODEL], firstTokenDelayMs: 20, chunkDelayMs: 25, chunks: 20 });
  const probeDirectory = mkdtempSync(path.join(tmpdir(), 'bench-probe-'));
  const probeFile = path.join(probeDirectory, 'probe.jsonl');
  const gateway = await startGatewayProcess({
    UPSTREAMS: JSON.stringify([{ id: 'bench', baseUrl: upstream.url, models: [MODEL] }]),
    XIPU_API_BASE: 'http://127.0.0.1:9/api/chat',
    JM_TOKEN: 'unused-by-this-section',
    SDP_SESSION: 'unused-by-this-section',
    UPSTASH_REDIS_REST_URL: options.redis.url,
    UPSTASH_REDIS_REST_TOKEN: options.redis.token,
    API_KEYS: `bench:${options.apiKey}`,
    RATE_LIMIT_RPM: '100000',
    MAX_CONCURRENT_PER_KEY: '1000',
    NODE_OPTIONS: `--import ${PROBE}`,
    BENCH_PROBE_FILE: probeFile,
  });
  try {
    const body = { model: MODEL, messages: [{ role: 'user', content: 'Say something.' }] };
    const directUrl = upstream.url.replace(/\/v1$/, '');
    progress(`proxy: warming up (10 chats each way)`);
    for (let index = 0; index < 10; index += 1) {
      await gatewayChat(gateway.url, options.apiKey, body);
      await gatewayChat(directUrl, 'unused', body);
    }
    progress(`proxy: ${streams} concurrent streams straight to the fake upstream`);
    const direct = await Promise.all(Array.from({ length: streams }, () => gatewayChat(directUrl, 'unused', body)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress(`proxy: ${streams} concurrent streams through the gateway`);
    const commandsBefore = options.redis.commandCount();
    const before = readProbe(probeFile).at(-1);
    const startedAt = performance.timeOrigin + performance.now();
    const gatewayResults = await Promise.all(Array.from({ length: streams }, () => gatewayChat(gateway.url, options.apiKey, body)));
    const endedAt = performance.timeOrigin + performance.now();
    // The metrics records are written after each response (after()); let them land.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const commands = options.redis.commandCount() - commandsBefore;
    const during = readProbe(probeFile).filter((line) => line.at >= startedAt && line.at <= endedAt + 100);
    const peakRss = Math.max(...during.map((line) => line.rss));
    const peakHeap = Math.max(...during.map((line) => line.heapUsed));
    return {
      streams,
      direct,
      gateway: gatewayResults,
      memoryPerStreamBytes: before ? Math.max(0, peakRss - before.rss) / streams : Number.NaN,
      heapPerStreamBytes: before ? Math.max(0, peakHeap - before.heapUsed) / streams : Number.NaN,
      longestLoopDelayMs: Math.max(...during.map((line) => line.maxDelayMs)),
      commandsPerChat: commands / streams,
    };
  } finally {
    await gateway.stop();
    await upstream.close();
    rmSync(probeDirectory, { recursive: true, force: true });
  }
}

function readProbe(file: string): ProbeLine[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProbeLine);
  } catch {
    return [];
  }
}

export function reportProxySection(section: ProxySection): string[] {
  const ttfts = (results: GatewayChatResult[]) => results.filter((result) => result.ok).map((result) => result.ttftMs);
  const direct = ttfts(section.direct);
  const gateway = ttfts(section.gateway);
  const at = (values: number[], q: number) => quantile(values, q);
  const added = [0.5, 0.95, 0.99].map((q) => at(gateway, q) - at(direct, q));
  const failed = (results: GatewayChatResult[]) => results.filter((result) => !result.ok).length;
  const verdict = (value: number, aim: number) => (value <= aim ? 'yes' : 'NO');
  const lines = [
    `7. Proxy overhead, OpenAI-compatible upstream (UPSTREAMS): ${section.streams} concurrent streams through one process (next start, real Redis) vs straight to the same fake upstream`,
    table(
      ['', 'p50', 'p95', 'p99', 'failures'],
      [
        ['direct to the upstream: time to first token', ms(at(direct, 0.5)), ms(at(direct, 0.95)), ms(at(direct, 0.99)), String(failed(section.direct))],
        ['through the gateway', ms(at(gateway, 0.5)), ms(at(gateway, 0.95)), ms(at(gateway, 0.99)), String(failed(section.gateway))],
        ['time the gateway adds', ms(added[0]!), ms(added[1]!), ms(added[2]!), ''],
        ['LiteLLM publishes (added)', '2 ms', '8 ms', '13 ms', ''],
        ['below LiteLLM', verdict(added[0]!, 2), verdict(added[1]!, 8), verdict(added[2]!, 13), ''],
      ],
    ),
    `  memory per open stream (peak minus before, ${section.streams} open at once): ${(section.memoryPerStreamBytes / 1024).toFixed(0)} KiB resident, ` +
      `${(section.heapPerStreamBytes / 1024).toFixed(0)} KiB of heap; longest event-loop delay in the gateway process: ${ms(section.longestLoopDelayMs)}.`,
    `  Redis commands per chat on this path: ${section.commandsPerChat.toFixed(2)} (client limits, the endpoint's in-flight lease taken and given back (lib/balancing), the metrics record; no schedule, no session).` +
      ` Median total time: direct ${ms(median(section.direct.map((result) => result.totalMs)))}, gateway ${ms(median(section.gateway.map((result) => result.totalMs)))}.`,
  ];
  const firstFailure = section.gateway.find((result) => !result.ok) ?? section.direct.find((result) => !result.ok);
  if (firstFailure) lines.push(`  first failure: ${firstFailure.failure}`);
  return lines;
}
