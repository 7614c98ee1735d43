/**
 * Runs once when a Next.js server process starts: prints a configuration problem at once
 * (routes answer 503 with the same message) and, in demo mode, starts the simulator and
 * says DEMO MODE on the console. Not during `next build`.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { announceStartup } = await import('./lib/gateway/announce-startup');
  await announceStartup();
}
