import { z } from 'zod';
import type { Pacer } from '@/lib/pacing/pacer';
import { saveSession, type SessionSettings, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { upstreamFailed } from '@/lib/xipu/api/xipu-errors';
import { pacedXipuCall } from '@/lib/xipu/sessions/paced-xipu-call';
import { randomUUID } from 'node:crypto';
import { GatewayError } from '@/lib/errors/gateway-error';
import { markCredentialsServed } from '@/lib/xipu/credentials/credential-records';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';

/** The last heartbeat, for the admin page. */
export interface HeartbeatState {
  at: number;
  /** updated: the same session; recreated: the stored id was no longer valid; created: there was none. */
  action: 'updated' | 'recreated' | 'created';
  sessionId: number;
}

const heartbeatStateSchema = z.object({
  at: z.number(),
  action: z.enum(['updated', 'recreated', 'created']),
  sessionId: z.number(),
});

/** Named so the account's owner recognises it in the web history. */
const HEARTBEAT_SESSION_NAME = 'Persistent Heartbeat Session (xipu-gateway)';

/**
 * Touches the account the cheapest way the protocol allows (docs/xipu-protocol.md §6): a
 * saveSession **update** of the one persistent heartbeat session, by its stored id — never a
 * new session per beat (the ancestor's bug, which leaked sessions toward the cap). When the
 * stored id is no longer valid it creates one new session and remembers its id (also when
 * the service silently answers an update with a new id). A `code == 0` answer also proves
 * the token works. The heartbeat session is never in the sweep's registry.
 * @throws GatewayError (login expired on 403, …).
 */
export async function beatHeartbeat(options: { account: AccountStore; pacer: Pacer; api: XipuApiOptions; model: string; now?: () => number }): Promise<HeartbeatState> {
  // One beat at a time (the cron and an admin's button): two beats that both find no valid id
  // would each create a session, and the loser's would never be deleted.
  const lock = randomUUID();
  if (!(await options.account.store.setIfAbsent(options.account.keys.heartbeatLock, lock, xipuAccountTtls.heartbeatLockMs))) {
    throw new GatewayError('Another heartbeat is running; try again in a moment.', {
      status: 409,
      type: 'invalid_request_error',
      code: 'heartbeat_in_progress',
      retryable: true,
    });
  }
  try {
    return await beatUnderLock(options);
  } finally {
    await options.account.store.deleteIfEquals(options.account.keys.heartbeatLock, lock).catch(() => undefined);
  }
}

async function beatUnderLock(options: { account: AccountStore; pacer: Pacer; api: XipuApiOptions; model: string; now?: () => number }): Promise<HeartbeatState> {
  const now = options.now ?? Date.now;
  const storedId = await readHeartbeatSessionId(options.account);
  const settings: SessionSettings = {
    name: HEARTBEAT_SESSION_NAME,
    model: options.model,
    temperature: 1,
    maxToken: 0,
    presencePenalty: 0,
    frequencyPenalty: 0,
  };

  let action: HeartbeatState['action'] = storedId === undefined ? 'created' : 'recreated';
  let sessionId: number | undefined;
  if (storedId !== undefined) {
    const reply = await pacedSaveSession({ ...settings, id: storedId }, options);
    if (reply.ok) {
      sessionId = reply.id;
      if (reply.id === storedId) action = 'updated';
    }
  }
  if (sessionId === undefined) {
    const reply = await pacedSaveSession(settings, options);
    if (!reply.ok) throw upstreamFailed(`the heartbeat session could not be created: ${reply.message}`);
    sessionId = reply.id;
  }
  // The token works: if XIPU rejects it later, it was revoked or expired (log in again).
  await markCredentialsServed(options.account, options.api.credentials, now()).catch(() => undefined);
  if (sessionId !== storedId) await options.account.store.set(options.account.keys.heartbeatSessionId, String(sessionId));
  const state: HeartbeatState = { at: now(), action, sessionId };
  await options.account.store.set(options.account.keys.heartbeatState, JSON.stringify(state));
  return state;
}

export async function readHeartbeatState(account: AccountStore): Promise<HeartbeatState | undefined> {
  const raw = await account.store.get(account.keys.heartbeatState);
  if (!raw) return undefined;
  try {
    const parsed = heartbeatStateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function pacedSaveSession(settings: SessionSettings, options: { pacer: Pacer; api: XipuApiOptions }) {
  return pacedXipuCall(options.pacer, 'saveSession', () => saveSession(settings, options.api));
}

/** The heartbeat session's id, which no sweep may delete; undefined when there is none yet. */
export async function readHeartbeatSessionId(account: AccountStore): Promise<number | undefined> {
  const raw = await account.store.get(account.keys.heartbeatSessionId);
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
