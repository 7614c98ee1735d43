import type { KeepaliveReport } from '@/lib/xipu/keepalive/run-keepalive';
import { startGatewayProcess, type GatewayProcess } from '../../tests/support/gateway-process';
import type { GatewayChatResult } from './gateway-client';

/** The gateway processes of one phase of the benchmark (one environment), sharing one Redis. */
export interface GatewayTrio {
  urls: string[];
  /** A failure with the last lines each process printed. */
  describeFailure(result: GatewayChatResult): string;
  /**
   * GET /api/cron/keepalive on the first process, as the cron calls it: heartbeat, the sweep of
   * the whole delete queue, the pool topped up. @throws unless it answers 200.
   */
  keepalive(): Promise<KeepaliveReport>;
  stop(): Promise<void>;
}

/** Starts `count` × `next start` with the environment; the keep-alive route answers to `cronSecret`. */
export async function startGatewayTrio(count: number, environment: Record<string, string>, cronSecret: string): Promise<GatewayTrio> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startGatewayProcess({ ...environment, CRON_SECRET: cronSecret })));
  const gateways = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const stop = async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  };
  const startFailure = started.find((outcome) => outcome.status === 'rejected');
  if (startFailure) {
    await stop();
    throw (startFailure as PromiseRejectedResult).reason;
  }
  return {
    urls: gateways.map((gateway: GatewayProcess) => gateway.url),
    describeFailure(result) {
      const logs = gateways.map((gateway) => gateway.output().split('\n').slice(-5).join('\n')).join('\n---\n');
      return `${result.failure}\nlast gateway output:\n${logs}`;
    },
    async keepalive() {
      const response = await fetch(`${gateways[0]!.url}/api/cron/keepalive`, { headers: { authorization: `Bearer ${cronSecret}` } });
      if (response.status !== 200) throw new Error(`keep-alive answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      return (await response.json()) as KeepaliveReport;
    },
    stop,
  };
}

/**
 * The saveSession calls a keep-alive's heartbeat made (docs/xipu-protocol §6): an update of
 * the persistent session, one more when it had to be created anew. Not a chat's call.
 */
export function heartbeatCalls(report: KeepaliveReport): number {
  if (report.heartbeat.status !== 'ok') return report.heartbeat.status === 'skipped' ? 0 : 1;
  return report.heartbeat.action === 'recreated' ? 2 : 1;
}
