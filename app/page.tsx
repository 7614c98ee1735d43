import { headers } from 'next/headers';
import { loadConfig } from '@/lib/config/env';

export const dynamic = 'force-dynamic';

/** A landing page that tells whoever opens the URL what to paste into their client. */
export default async function HomePage() {
  const requestHeaders = await headers();
  const host = requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host') ?? 'localhost:3000';
  const protocol = requestHeaders.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  const loaded = loadConfig();
  return (
    <main>
      <h1>xipu-gateway</h1>
      <p>An OpenAI-compatible API for the XIPU AI web chat.</p>
      {!loaded.ok ? (
        <p style={{ color: '#b00020' }}>
          Misconfigured: <code>{loaded.problem.message}</code>
        </p>
      ) : loaded.config.demoMode ? (
        <p style={{ color: '#8a5a00' }}>
          <strong>DEMO MODE</strong>: no XIPU credentials are set, so answers come from the built-in simulator.
        </p>
      ) : null}
      <p>
        Base URL for clients: <code>{`${protocol}://${host}/v1`}</code>
      </p>
      <p>
        Endpoints: <code>GET /v1/models</code>, <code>POST /v1/chat/completions</code> (streaming and not).
      </p>
      <p>
        Is it working? The <a href="/admin">admin status page</a> says, and why not (sign in with <code>ADMIN_PASSWORD</code>).
      </p>
    </main>
  );
}
