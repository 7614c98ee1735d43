/**
 * Polls `condition` until it holds; throws naming `what` after `timeoutMs`. For what a test
 * can only watch from outside (the simulator's counters, a page's state).
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
