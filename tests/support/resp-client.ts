import { connect, type Socket } from 'node:net';

/**
 * A minimal RESP2 client over `node:net`, enough for the Upstash bridge and for polling a
 * freshly started redis-server: commands go out as arrays of bulk strings, replies come back
 * in order. Error replies are values (`RespError`), not rejections, so a pipeline can return
 * each command's own error; the promise rejects only when the connection fails.
 */
export type RespValue = string | Buffer | number | null | RespError | RespValue[];

/** An error reply (`-ERR …`, `-NOSCRIPT …`), kept verbatim. */
export class RespError {
  constructor(readonly message: string) {}
}

export interface RespClient {
  /** Sends one command; resolves with its reply (bulk strings as Buffers, exact bytes). */
  send(command: readonly (string | Buffer)[]): Promise<RespValue>;
  /** Writes several commands in one socket write (nothing can interleave); replies in order. */
  sendMany(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]>;
  close(): Promise<void>;
}

interface PendingReply {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/**
 * Opens a connection. Rejects when the server refuses it or does not accept it within
 * `connectTimeoutMs`.
 */
export function connectResp(options: { port: number; host?: string; connectTimeoutMs?: number }): Promise<RespClient> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const socket = connect({ port: options.port, host });
    socket.setNoDelay(true);
    socket.setTimeout(options.connectTimeoutMs ?? 2_000, () => {
      socket.destroy(new Error(`RESP connection to ${host}:${options.port} timed out`));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(createRespClient(socket));
    });
  });
}

function createRespClient(socket: Socket): RespClient {
  const pending: PendingReply[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  let closedError: Error | null = null;

  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parseReply(buffered, offset);
      if (parsed === undefined) break;
      offset = parsed.next;
      pending.shift()?.resolve(parsed.value);
    }
    buffered = buffered.subarray(offset);
  });
  const failAll = (error: Error): void => {
    closedError ??= error;
    for (const reply of pending.splice(0)) reply.reject(closedError);
  };
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('RESP connection closed')));

  const enqueue = (count: number): Promise<RespValue>[] =>
    Array.from({ length: count }, () => new Promise<RespValue>((resolve, reject) => pending.push({ resolve, reject })));

  return {
    async send(command) {
      const [reply] = await this.sendMany([command]);
      return reply ?? null;
    },
    sendMany(commands) {
      if (closedError) return Promise.reject(closedError);
      const replies = enqueue(commands.length);
      socket.write(Buffer.concat(commands.map(encodeCommand)));
      return Promise.all(replies);
    },
    close() {
      return new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
      });
    },
  };
}

function encodeCommand(command: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${command.length}\r\n`)];
  for (const argument of command) {
    const bytes = typeof argument === 'string' ? Buffer.from(argument, 'utf8') : argument;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `offset`; undefined when the buffer does not yet hold all of it. */
function parseReply(buffer: Buffer, offset: number): { value: RespValue; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new RespError(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buffer.length < afterLine + length + 2) return undefined;
      return { value: buffer.subarray(afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespValue[] = [];
      let next = afterLine;
      for (let index = 0; index < count; index += 1) {
        const item = parseReply(buffer, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`Unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}
