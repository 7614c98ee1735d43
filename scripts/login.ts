/**
 * `npm run login`: logs in to XIPU with the local Chromium, printing each step, and stores
 * the credentials — in Upstash when it is configured (every deployment then uses them), else
 * as JM_TOKEN/SDP_SESSION in .env.local for a local `next start`. Reads .env.local and .env.
 * Never prints the password or the tokens.
 */
import { accountStore } from '@/lib/xipu/account/account-store';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseConfig } from '@/lib/config/env';
import { describeCredentials, saveCredentials, saveLoginState } from '@/lib/xipu/credentials/credential-records';
import { launchChromium, loginWithBrowser } from '@/lib/xipu/browser-login/login-with-browser';
import { createUpstashStore } from '@/lib/store/upstash-store';

const ENV_FILE = '.env.local';

async function main(): Promise<number> {
  for (const file of ['.env.local', '.env']) if (existsSync(file)) process.loadEnvFile(file);
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(`Configuration problem: ${parsed.problem.message}`);
    return 1;
  }
  const { config } = parsed;
  const { username, password, portalUrl } = config.xipu;
  if (!username || !password) {
    console.error('Set XJTLU_USERNAME and XJTLU_PASSWORD (in .env.local or the environment) first.');
    return 1;
  }
  console.log(`Logging in to ${portalUrl} as ${username} with the local Chromium…`);
  const startedAt = Date.now();
  const captured = await loginWithBrowser({
    portalUrl,
    username,
    password,
    launch: () => launchChromium({ hosted: false, executablePath: config.login.chromiumPath }),
    onStep: ({ step, status, elapsedMs }) => {
      if (status !== 'started') console.log(`  ${status === 'done' ? '✓' : '✗'} ${step} (${(elapsedMs / 1000).toFixed(1)} s)`);
    },
  });
  const credentials = describeCredentials(captured, 'login', Date.now());
  const expiry = credentials.expiresAt ? new Date(credentials.expiresAt).toISOString() : 'unknown (not a JWT)';

  if (config.upstash) {
    const store = createUpstashStore(config.upstash);
    const account = accountStore(store);
    await saveCredentials(account, credentials);
    await saveLoginState(account, { outcome: 'success', attemptedAt: startedAt, durationMs: Date.now() - startedAt, consecutiveFailures: 0 });
    console.log(`Stored in Upstash; every deployment using it picks them up. Token expires ${expiry}.`);
  } else {
    writeEnvFile({ JM_TOKEN: captured.jmToken, SDP_SESSION: captured.sdpSession });
    console.log(`Written to ${ENV_FILE} (JM_TOKEN, SDP_SESSION); restart the gateway to use them. Token expires ${expiry}.`);
  }
  return 0;
}

/** Sets the given variables in .env.local, keeping every other line. */
function writeEnvFile(values: Record<string, string>): void {
  const lines = existsSync(ENV_FILE) ? readFileSync(ENV_FILE, 'utf8').split('\n') : [];
  for (const [name, value] of Object.entries(values)) {
    const line = `${name}=${value}`;
    const index = lines.findIndex((existing) => existing.startsWith(`${name}=`));
    if (index >= 0) lines[index] = line;
    else lines.splice(lines.length && lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  }
  writeFileSync(ENV_FILE, `${lines.join('\n').replace(/\n*$/, '')}\n`, { mode: 0o600 });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A browser login error already names its step.
    console.error(error instanceof Error ? error.message : `Login failed: ${String(error)}`);
    process.exit(1);
  },
);
