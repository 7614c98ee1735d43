import { loadConfig } from '@/lib/config/env';
import { logEvent } from '@/lib/log/log-event';
import { getGatewayContext } from './get-gateway-context';

/** Start-up report for `next start`: configuration errors and demo mode, said loudly. */
export async function announceStartup(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.ok) {
    logEvent('error', 'invalid_configuration', {
      message: `${loaded.problem.message}. Every route answers 503 until this is fixed.`,
      variable: loaded.problem.variable,
    });
    return;
  }
  const { config } = loaded;
  for (const message of config.retiredVariables) logEvent('warn', 'retired_variable', { message });
  try {
    await getGatewayContext();
  } catch (error) {
    logEvent('error', 'startup_failed', { message: error instanceof Error ? error.message : String(error) });
    return;
  }
  if (config.demoMode) {
    console.log(
      [
        '',
        '  ┌────────────────────────────────────────────────────────────────────┐',
        '  │ DEMO MODE: no XIPU credentials set. Answers come from the built-in │',
        '  │ upstream simulator, not from XIPU. Set JM_TOKEN + SDP_SESSION (or  │',
        '  │ XJTLU_USERNAME + XJTLU_PASSWORD) to use the real service.          │',
        '  └────────────────────────────────────────────────────────────────────┘',
        '',
      ].join('\n'),
    );
  }
  logEvent('info', 'gateway_ready', {
    store: config.upstash ? 'upstash' : 'memory',
    demoMode: config.demoMode,
    apiKeys: config.clientKeys.length,
    models: config.xipu.models.length,
  });
}
