import { saveReachabilityReport, type ReachabilityReport, type ReachabilityTarget } from '../context/reachability-report';
import type { AdminAction } from './admin-action';

/** Long enough for a slow cross-border route, short enough for a button. */
export const REACHABILITY_TIMEOUT_MS = 5_000;

/**
 * "Check reachability": can this deployment reach the XIPU API host and the login portal at
 * all? One plain GET of each (the API base's origin, the portal URL), no credentials, no
 * redirects followed, 5 s each — never an account call, so it costs the account nothing.
 * Any HTTP answer counts as reachable; the result is kept a day for the page.
 */
export const checkReachability: AdminAction = async ({ config, context, dependencies, account }) => {
  const targets = [
    { name: 'XIPU API host', url: `${new URL(account.apiBase).origin}/` },
    { name: 'Login portal (SSO)', url: account.settings.upstream.portalUrl },
  ];
  const results = await Promise.all(targets.map((target) => probe(target, dependencies.fetch, dependencies.now)));
  const report: ReachabilityReport = { at: dependencies.now(), targets: results };
  await saveReachabilityReport(context.store, report);
  const failed = results.filter((result) => !result.reachable);
  const summary = results.map((result) => `${result.name}: ${result.reachable ? `HTTP ${result.status} in ${result.elapsedMs} ms` : result.error}`).join('; ');
  return { outcome: failed.length === 0 ? 'ok' : 'failed', anchor: 'reachability', message: `${failed.length === 0 ? 'Reachable' : 'Not reachable'} — ${summary}.` };
};

async function probe(target: { name: string; url: string }, fetchImpl: typeof fetch, now: () => number): Promise<ReachabilityTarget> {
  const startedAt = now();
  try {
    const response = await fetchImpl(target.url, {
      method: 'GET',
      redirect: 'manual',
      cache: 'no-store',
      headers: { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' },
      signal: AbortSignal.timeout(REACHABILITY_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    return { ...target, reachable: true, status: response.status, elapsedMs: now() - startedAt };
  } catch (error) {
    return { ...target, reachable: false, elapsedMs: now() - startedAt, error: describeNetworkError(error) };
  }
}

/** Node's fetch hides the reason in `cause.code` (ENOTFOUND, ECONNREFUSED, …). */
function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${REACHABILITY_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const known: Record<string, string> = {
    ENOTFOUND: 'the host name does not resolve (DNS)',
    EAI_AGAIN: 'DNS lookup failed (temporary)',
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  };
  if (code) return known[code] ?? code;
  if (typeof cause?.message === 'string' && cause.message) return cause.message.slice(0, 200);
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
