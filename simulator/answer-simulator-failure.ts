import type { ServerResponse } from 'node:http';
import { logEvent } from '@/lib/log/log-event';

/** A bug in the simulator itself: say so loudly rather than imitate an upstream answer. */
export function answerSimulatorFailure(response: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  logEvent('error', 'simulator.failure', { message });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'content-type': 'application/json;charset=UTF-8' });
  response.end(JSON.stringify({ code: 500, msg: `simulator failure: ${message}` }));
}
