import type { SimulatorHandle, SimulatorState } from '@/simulator/start-simulator';
import { gatewayChat, type GatewayChatResult } from './gateway-client';
import { startGatewayTrio } from './gateway-trio';
import { seconds, table } from './stats';

/**
 * Section 6: one XIPU account against two (XIPU_ACCOUNTS), the same burst over three
 * processes, the same settings (pool off, deletes held in the queue until the keep-alive so
 * the sessions each account made can be counted on the simulator). Routing sends each chat to
 * the account whose schedule can start soonest, so two accounts should take about half the
 * time of one. The simulator paces each account on its own, as XIPU does.
 */

export interface AccountsRun {
  accounts: number;
  results: GatewayChatResult[];
  makespanMs: number;
  rateLimited: number;
  /** Sessions each simulator account answered in the burst. */
  sessionsByAccount: Map<string, number>;
  commandsPerChat: number;
}

export async function runAccountsSection(options: {
  simulator: SimulatorHandle;
  redis: { commandCount(): number };
  baseEnvironment: Record<string, string>;
  cronSecret: string;
  apiKey: string;
  body: { model: string; messages: Array<{ role: string; content: string }> };
  burst: number;
  processes: number;
  /** Between runs: Redis emptied, simulator reset. */
  reset: () => Promise<void>;
  progress: (message: string) => void;
}): Promise<AccountsRun[]> {
  const { simulator } = options;
  const first = simulator.mintCredentials();
  const second = simulator.mintCredentials({ account: 'bench-second-account' });
  const { JM_TOKEN: _token, SDP_SESSION: _session, ...withoutAccount } = options.baseEnvironment;
  const settings = { SESSION_POOL_SIZE: '0', SESSION_DELETE_BATCH: '20' };
  const environments: Array<[number, Record<string, string>]> = [
    [1, { ...withoutAccount, ...settings, XIPU_ACCOUNTS: JSON.stringify([{ id: 'first', jmToken: first.jmToken, sdpSession: first.sdpSession }]) }],
    [
      2,
      {
        ...withoutAccount,
        ...settings,
        XIPU_ACCOUNTS: JSON.stringify([
          { id: 'first', jmToken: first.jmToken, sdpSession: first.sdpSession },
          { id: 'second', jmToken: second.jmToken, sdpSession: second.sdpSession },
        ]),
      },
    ],
  ];
  const runs: AccountsRun[] = [];
  for (const [accounts, environment] of environments) {
    options.progress(`accounts: ${accounts} account(s), ${options.processes} processes, burst of ${options.burst}`);
    const trio = await startGatewayTrio(options.processes, environment, options.cronSecret);
    try {
      // One chat per process (its first request builds the process's context), then quiet.
      for (const url of trio.urls) await gatewayChat(url, options.apiKey, options.body);
      await trio.keepalive();
      await settle(simulator);
      const before = simulator.state();
      const seenBefore = new Set(before.sessions.map((session) => session.id));
      const commandsBefore = options.redis.commandCount();
      const startedAt = performance.now();
      const ends: number[] = [];
      const results = await Promise.all(
        Array.from({ length: options.burst }, async (_, index) => {
          const result = await gatewayChat(trio.urls[index % trio.urls.length]!, options.apiKey, options.body);
          ends.push(performance.now());
          return result;
        }),
      );
      const makespanMs = Math.max(...ends) - startedAt;
      await settle(simulator);
      const after = simulator.state();
      const sessionsByAccount = new Map<string, number>();
      for (const session of after.sessions) {
        if (seenBefore.has(session.id) || session.turns === 0) continue;
        sessionsByAccount.set(session.account, (sessionsByAccount.get(session.account) ?? 0) + 1);
      }
      runs.push({
        accounts,
        results,
        makespanMs,
        rateLimited: after.rateLimited - before.rateLimited,
        sessionsByAccount,
        commandsPerChat: (options.redis.commandCount() - commandsBefore) / options.burst,
      });
      await trio.keepalive();
    } finally {
      await trio.stop();
      await options.reset();
    }
  }
  return runs;
}

/** Until the simulator has no call in flight and no stream open, then one more second. */
async function settle(simulator: SimulatorHandle): Promise<SimulatorState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = simulator.state();
    if ((state.callsInFlight === 0 && state.openStreams === 0) || Date.now() > deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return simulator.state();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function reportAccountsSection(runs: AccountsRun[], burst: number): string[] {
  const one = runs.find((run) => run.accounts === 1);
  const lines = [`6. Several XIPU accounts: a burst of ${burst} concurrent streams over three processes, one account vs two (XIPU_ACCOUNTS; pool off)`];
  lines.push(
    table(
      ['', 'makespan', '÷ one account', 'upstream 429s', 'failures', 'chats per account', 'Redis commands per chat'],
      runs.map((run) => [
        `${run.accounts} account${run.accounts === 1 ? '' : 's'}`,
        seconds(run.makespanMs),
        one ? (run.makespanMs / one.makespanMs).toFixed(2) : '',
        String(run.rateLimited),
        String(run.results.filter((result) => !result.ok).length),
        [...run.sessionsByAccount].map(([account, count]) => `${account}: ${count}`).join(', ') || '–',
        run.commandsPerChat.toFixed(2),
      ]),
    ),
  );
  lines.push(
    '  Each chat goes to the account whose schedule can start soonest (one probe per account, pipelined with nothing else: the "commands per chat" difference);',
    '  "chats per account": sessions each simulator account answered in the burst.',
  );
  const failure = runs.flatMap((run) => run.results).find((result) => !result.ok);
  if (failure) lines.push(`  first failure: ${failure.failure}`);
  return lines;
}
