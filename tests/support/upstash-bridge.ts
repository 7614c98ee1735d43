import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectResp, RespError, type RespClient, type RespValue } from './resp-client';

/**
 * An HTTP server that speaks the part of the Upstash Redis REST API that `@upstash/redis`
 * 1.39 uses, in front of a real redis-server (docs: stack-notes "Upstash Redis over REST"):
 * - `POST /` one command `["set","k","v"]` → `{"result":…}`, or 400 `{"error":…}`;
 * - `POST /pipeline` and `POST /multi-exec` `[[…],[…]]` → 200 `[{"result":…}|{"error":…},…]`;
 * - `Authorization: Bearer <token>` required (401 otherwise);
 * - with `Upstash-Encoding: base64` every string at every depth of a result is base64 of its
 *   exact bytes; numbers and null stay; errors are never encoded (`NOSCRIPT …` verbatim);
 * - arguments: JSON numbers/booleans are stringified before they reach Redis;
 * - EVAL / SCRIPT LOAD scripts starting with a `#!lua …` shebang (`@upstash/ratelimit` ≥ 2.1
 *   writes `#!lua flags=allow-key-locking`, which Redis 7 rejects) lose that line, and EVALSHA
 *   of the original script's hash is mapped to the stripped script's hash.
 *
 * Commands are counted like Upstash bills them: every command of a single request, pipeline
 * or transaction counts once (MULTI/EXEC wrappers do not); refused (401) requests do not.
 */
export interface UpstashBridge {
  /** Base URL to hand to `new Redis({ url })`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly token: string;
  /** Redis commands received since start or the last resetCount(). */
  commandCount(): number;
  resetCount(): void;
  /** Stops listening, drops open HTTP connections, closes the Redis connection. */
  close(): Promise<void>;
}

type JsonValue = string | number | null | JsonValue[];
type CommandOutcome = { result: JsonValue } | { error: string };

/** Starts the bridge on a free loopback port. */
export async function startUpstashBridge(options: { redisPort: number; token: string }): Promise<UpstashBridge> {
  const redis = await connectResp({ port: options.redisPort });
  const scriptHashes = new Map<string, string>();
  let commandCount = 0;

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: `ERR bridge: ${String(error)}` });
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'ERR only POST is supported' });
    if (!isAuthorized(request.headers.authorization, options.token)) {
      return sendJson(response, 401, { error: 'Unauthorized' });
    }
    const base64 = String(request.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return sendJson(response, 400, { error: 'ERR failed to parse command' });
    }
    const path = (request.url ?? '/').split('?')[0];

    if (path === '/' || path === '') {
      const command = toCommand(parsed);
      if (!command) return sendJson(response, 400, { error: 'ERR a command must be a non-empty JSON array' });
      commandCount += 1;
      const [outcome] = await run(redis, [command], scriptHashes, base64);
      return outcome && 'error' in outcome ? sendJson(response, 400, outcome) : sendJson(response, 200, outcome);
    }
    if (path === '/pipeline' || path === '/multi-exec') {
      const commands = Array.isArray(parsed) ? parsed.map(toCommand) : [];
      if (commands.length === 0 || commands.some((command) => command === undefined)) {
        return sendJson(response, 400, { error: 'ERR a pipeline must be a JSON array of commands' });
      }
      const valid = commands.filter((command): command is string[] => command !== undefined);
      commandCount += valid.length;
      if (path === '/pipeline') return sendJson(response, 200, await run(redis, valid, scriptHashes, base64));
      const transaction = await runTransaction(redis, valid, scriptHashes, base64);
      if ('error' in transaction) return sendJson(response, 400, transaction);
      return sendJson(response, 200, transaction.results);
    }
    return sendJson(response, 404, { error: `ERR unknown path ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    commandCount: () => commandCount,
    resetCount: () => {
      commandCount = 0;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await redis.close();
    },
  };
}

/** Sends commands in one write (nothing interleaves) and maps each reply. */
async function run(
  redis: RespClient,
  commands: string[][],
  scriptHashes: Map<string, string>,
  base64: boolean,
): Promise<CommandOutcome[]> {
  const replies = await redis.sendMany(commands.map((command) => rewriteScripts(command, scriptHashes)));
  return replies.map((reply) => toOutcome(reply, base64));
}

/** MULTI … EXEC in one write; a command Redis refuses to queue aborts the whole transaction. */
async function runTransaction(
  redis: RespClient,
  commands: string[][],
  scriptHashes: Map<string, string>,
  base64: boolean,
): Promise<{ results: CommandOutcome[] } | { error: string }> {
  const replies = await redis.sendMany([
    ['MULTI'],
    ...commands.map((command) => rewriteScripts(command, scriptHashes)),
    ['EXEC'],
  ]);
  const execReply = replies[replies.length - 1];
  if (execReply instanceof RespError) {
    const queueError = replies.find((reply): reply is RespError => reply instanceof RespError);
    return { error: queueError?.message ?? execReply.message };
  }
  if (!Array.isArray(execReply)) return { error: 'ERR transaction aborted' };
  return { results: execReply.map((reply) => toOutcome(reply, base64)) };
}

function toOutcome(reply: RespValue, base64: boolean): CommandOutcome {
  return reply instanceof RespError ? { error: reply.message } : { result: toJson(reply, base64) };
}

/** Every string at every depth becomes base64 of its exact bytes (or UTF-8 text without). */
function toJson(reply: RespValue, base64: boolean): JsonValue {
  if (reply === null || typeof reply === 'number') return reply;
  if (reply instanceof RespError) return reply.message;
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  const bytes = typeof reply === 'string' ? Buffer.from(reply, 'utf8') : reply;
  return base64 ? bytes.toString('base64') : bytes.toString('utf8');
}

/** JSON scalars become the strings Redis expects; anything else is not a command. */
function toCommand(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((argument: unknown) =>
    typeof argument === 'string'
      ? argument
      : typeof argument === 'number' || typeof argument === 'boolean'
        ? String(argument)
        : JSON.stringify(argument),
  );
}

/**
 * Strips a `#!lua …` shebang from EVAL / EVAL_RO / SCRIPT LOAD scripts (remembering
 * sha1(original) → sha1(stripped)) and maps EVALSHA / EVALSHA_RO hashes accordingly.
 */
function rewriteScripts(command: string[], scriptHashes: Map<string, string>): string[] {
  const name = (command[0] ?? '').toLowerCase();
  const scriptIndex =
    name === 'eval' || name === 'eval_ro'
      ? 1
      : name === 'script' && (command[1] ?? '').toLowerCase() === 'load'
        ? 2
        : -1;
  const script = command[scriptIndex];
  if (script !== undefined && script.startsWith('#!')) {
    const newline = script.indexOf('\n');
    const stripped = newline === -1 ? '' : script.slice(newline + 1);
    scriptHashes.set(sha1(script), sha1(stripped));
    const rewritten = [...command];
    rewritten[scriptIndex] = stripped;
    return rewritten;
  }
  if ((name === 'evalsha' || name === 'evalsha_ro') && command[1] !== undefined) {
    const mapped = scriptHashes.get(command[1].toLowerCase());
    if (mapped !== undefined) return [command[0] ?? name, mapped, ...command.slice(2)];
  }
  return command;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function isAuthorized(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
