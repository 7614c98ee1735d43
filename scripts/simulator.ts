/**
 * `npm run simulator [-- --port 8787 --profile strict --min-gap-ms 1000 ...]`: runs the XIPU
 * upstream simulator on its own and prints the API base and a simulator credential pair to
 * point a gateway at it. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator } from '@/simulator/start-simulator';

const DEFAULT_PORT = 8787;

const argumentsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  profile: z.enum(['default', 'strict']).default('default'),
  'min-gap-ms': z.coerce.number().min(0).optional(),
  'chunk-delay-ms': z.coerce.number().min(0).optional(),
  'session-cap': z.coerce.number().int().min(1).optional(),
  'token-lifetime-seconds': z.coerce.number().int().min(1).optional(),
  account: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      profile: { type: 'string' },
      'min-gap-ms': { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      'session-cap': { type: 'string' },
      'token-lifetime-seconds': { type: 'string' },
      account: { type: 'string' },
    },
  });
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`Invalid arguments:\n${z.prettifyError(parsed.error)}`);
    process.exitCode = 2;
    return;
  }
  const options = parsed.data;
  const simulator = await startSimulator({
    host: options.host,
    port: options.port,
    profile: options.profile,
    minGapMs: options['min-gap-ms'],
    chunkDelayMs: options['chunk-delay-ms'],
    sessionCap: options['session-cap'],
    tokenLifetimeSeconds: options['token-lifetime-seconds'],
  });
  const credentials = simulator.mintCredentials({ account: options.account });
  const state = simulator.state();

  console.log(
    [
      `XIPU upstream simulator (${state.profile} profile, ${state.minGapMs} ms per-account gap, cap ${state.sessionCap} sessions) listening on ${simulator.url}`,
      '',
      `XIPU_API_BASE=${simulator.apiBase}`,
      '',
      'Simulator credentials: a SIMULATOR token, signed with this process\'s random secret. It works only',
      'against this simulator (until it stops) and is not a real XIPU login.',
      `JM_TOKEN=${credentials.jmToken}`,
      `SDP_SESSION=${credentials.sdpSession}`,
      `(account ${options.account ?? 'demo-student'}, expires ${new Date(credentials.expiresAt * 1000).toISOString()})`,
      '',
      'Or let the gateway log in by itself through the simulated portal (headless Chromium):',
      `XIPU_PORTAL_URL=${simulator.portalUrl}`,
      `XJTLU_USERNAME=${simulator.portalAccount.username}`,
      `XJTLU_PASSWORD=${simulator.portalAccount.password}`,
      `(the SSO login page is served from ${simulator.ssoUrl})`,
      '',
      'ai-chats.org (docs/aichats.md) is simulated on the same server:',
      `AICHATS_ENABLED=true AICHATS_BASE_URL=${simulator.url}`,
      '',
      `Control: GET ${simulator.url}/__sim/state; POST ${simulator.url}/__sim/{faults,reset,credentials,browser-sessions,options}`,
      `ai-chats.org: GET ${simulator.url}/__sim/aichats/state; POST ${simulator.url}/__sim/aichats/{fault,options,reset}`,
      'Ctrl-C to stop.',
    ].join('\n'),
  );

  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
