import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerSimulatorFailure } from '@/simulator/answer-simulator-failure';
import { createAichatsSimulator, type AichatsSimulator } from './create-aichats-simulator';

export type { AichatsFault, AichatsSimulatorState } from './create-aichats-simulator';

export interface AichatsSimulatorHandle extends Pick<AichatsSimulator, 'state' | 'setFault' | 'setOptions' | 'reset'> {
  /** `http://127.0.0.1:PORT`: the gateway's AICHATS_BASE_URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * The ai-chats.org simulator on its own `node:http` server on a free loopback port, for tests
 * (the main simulator serves the same paths: simulator/route-request.ts). 404 for other paths.
 */
export async function startAichatsSimulator(): Promise<AichatsSimulatorHandle> {
  const simulator = createAichatsSimulator();
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://simulator.invalid').pathname;
    if (!simulator.handles(pathname)) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'Not Found' }));
      return;
    }
    simulator.handle(request, response, pathname).catch((error: unknown) => answerSimulatorFailure(response, error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state: simulator.state,
    setFault: simulator.setFault,
    setOptions: simulator.setOptions,
    reset: simulator.reset,
    async close() {
      simulator.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
