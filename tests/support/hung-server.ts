import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A TCP server that accepts connections and never answers (a hung Upstash), for the calling
 * `describe`: started in beforeAll, its sockets dropped and it closed in afterAll.
 * @returns its URL, readable inside tests.
 */
export function useHungServer(): { url(): string } {
  const server = createServer((socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  const openSockets = new Set<Socket>();
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of openSockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url() {
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
  };
}
