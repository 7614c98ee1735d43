import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ACQUIRE_LEASE_SCRIPT, RELEASE_LEASE_SCRIPT } from '@/lib/auth/concurrency-lease';
import { CANCEL_SLOT_SCRIPT } from '@/lib/pacing/cancel-slot';
import { RELEASE_SLOT_SCRIPT } from '@/lib/pacing/release-slot';
import { RENEW_SLOT_HOLD_SCRIPT } from '@/lib/pacing/renew-slot-hold';
import { RESERVE_SLOT_SCRIPT } from '@/lib/pacing/reserve-slot';
import { DELETE_IF_EQUALS_SCRIPT } from '@/lib/store/delete-if-equals';
import {
  ABANDON_REFILL_SCRIPT,
  CLAIM_POOLED_SESSION_SCRIPT,
  DEPOSIT_POOLED_SESSION_SCRIPT,
  FINISH_SESSION_SCRIPT,
} from '@/lib/xipu/sessions/session-pool';

/**
 * Watches redis-server with MONITOR on its own connection (not through the Upstash bridge, so
 * it costs nothing in the bridge's count) and tallies the commands the gateway sends, named
 * by the store call (a method, or a script's name) that sends them. Commands run inside Lua scripts (`[0 lua]`) are not
 * counted: Upstash bills a script as one command, and so does the bridge.
 */
export interface RedisMonitor {
  /** Commands seen so far, by label. */
  snapshot(): Map<string, number>;
  /** Leaves out the commands of one client (`127.0.0.1:PORT` as redis-server names it): the benchmark's own reads. */
  ignore(address: string): void;
  close(): void;
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/**
 * The gateway's own scripts by SHA-1 (@upstash/redis runs them with EVALSHA). The metrics
 * write is named by its key family below, to show that it also frees the concurrency slot.
 */
const SCRIPT_NAMES = new Map<string, string>(
  [
    RESERVE_SLOT_SCRIPT,
    CANCEL_SLOT_SCRIPT,
    RELEASE_SLOT_SCRIPT,
    RENEW_SLOT_HOLD_SCRIPT,
    ACQUIRE_LEASE_SCRIPT,
    RELEASE_LEASE_SCRIPT,
    DELETE_IF_EQUALS_SCRIPT,
    CLAIM_POOLED_SESSION_SCRIPT,
    FINISH_SESSION_SCRIPT,
    DEPOSIT_POOLED_SESSION_SCRIPT,
    ABANDON_REFILL_SCRIPT,
  ].map((script) => [sha1(script.lua), script.name]),
);

/** Store keys (lib/store/keys.ts) folded to their family: `xipu-gw:concurrency:<id>` → `xipu-gw:concurrency:*`. */
function keyFamily(key: string | undefined): string {
  if (key === undefined) return '';
  const parts = key.split(':');
  if (parts[0] !== 'xipu-gw' || parts.length <= 2) return key;
  return `${parts[0]}:${parts[1]}:*`;
}

/** The store call behind a command, when it is recognisable (lib/store/upstash-store.ts, the scripts' owners). */
function storeMethod(command: string, family: string, scriptName: string | undefined): string {
  if (scriptName) return scriptName;
  if (family === 'xipu-gw:ratelimit:*' && command.startsWith('EVAL')) return 'limitRate';
  if (family === 'xipu-gw:metrics:*' && command.startsWith('EVAL')) return 'appendMetric (+ frees the concurrency slot)';
  if (family === 'xipu-gw:sessions') {
    if (command === 'HSET') return 'registry.record / expire';
    if (command === 'HDEL') return 'registry.forget';
    if (command === 'HGETALL') return 'registry.list / expire';
  }
  if (family === 'xipu-gw:session-pool:*' && command === 'HGETALL') return 'readLastPoolSettings';
  if (family === 'xipu-gw:sweep:*' && (command === 'GET' || command === 'SET')) return 'recordSweep';
  if (family === 'xipu-gw:sessions:*' && (command === 'SET' || command.startsWith('EVAL'))) return 'the batched delete\'s lock (take / give back)';
  if (family === 'xipu-gw:credentials' && command === 'GET') return 'credentials.current';
  if (command === 'PING') return 'ping';
  return '?';
}

function parseArguments(text: string): string[] {
  const args: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) args.push(match[1] ?? '');
  return args;
}

function labelOf(args: readonly string[]): string {
  const command = (args[0] ?? '').toUpperCase();
  if (command === 'EVALSHA' || command === 'EVAL') {
    const family = keyFamily(Number(args[2]) > 0 ? args[3] : undefined);
    const scriptName = command === 'EVALSHA' ? SCRIPT_NAMES.get((args[1] ?? '').toLowerCase()) : undefined;
    return `${storeMethod(command, family, scriptName)}: ${command} ${family}`.trim();
  }
  const family = keyFamily(args[1]);
  return `${storeMethod(command, family, undefined)}: ${command} ${family}`.trim();
}

export async function startRedisMonitor(port: number): Promise<RedisMonitor> {
  const counts = new Map<string, number>();
  const ignored = new Set<string>();
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = connect({ port, host: '127.0.0.1' });
    opened.once('error', reject);
    opened.once('connect', () => {
      opened.off('error', reject);
      resolve(opened);
    });
  });
  socket.on('error', () => undefined);
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf('\r\n');
    while (end !== -1) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\r\n');
      // +1700000000.123456 [0 127.0.0.1:5555] "EVALSHA" "…"  — script commands show `[0 lua]`.
      const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!match || match[1] === 'lua' || ignored.has(match[1] ?? '')) continue;
      const label = labelOf(parseArguments(match[2] ?? ''));
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  });
  socket.write('*1\r\n$7\r\nMONITOR\r\n');
  return {
    snapshot: () => new Map(counts),
    ignore: (address) => void ignored.add(address),
    close: () => socket.destroy(),
  };
}

/** Per-label differences between two snapshots (labels with no change are left out). */
export function difference(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [label, count] of after) {
    const delta = count - (before.get(label) ?? 0);
    if (delta !== 0) result.set(label, delta);
  }
  return result;
}
