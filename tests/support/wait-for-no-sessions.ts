/**
 * Waits until the simulator holds no open session: the gateway deletes each chat's session in
 * `after()`, once the response has closed, so a client test sees it shortly after its answer.
 * @throws after 10 s, naming how many are left.
 */
export async function waitForNoSessions(simulator: { state(): { sessionsOpen: number } }): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (simulator.state().sessionsOpen > 0) {
    if (Date.now() > deadline) throw new Error(`sessions left on the simulator: ${simulator.state().sessionsOpen}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
