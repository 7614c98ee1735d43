import { z } from 'zod';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';

/**
 * The upstream sessions this gateway created and has not yet deleted, with their owner's
 * lease. The owner renews the lease while it streams and deletes the session when done;
 * only a session whose lease has lapsed (its owner crashed or lost its cleanup) may be
 * swept by anyone else. Sessions not in this registry — the account owner's own browser
 * chats, the heartbeat session — are never touched (docs/xipu-protocol.md "Unknowns").
 */
export interface SessionRecord {
  id: number;
  /** The request that created it. */
  owner: string;
  model: string;
  createdAt: number;
  leaseUntil: number;
}

const recordSchema = z.object({
  owner: z.string(),
  model: z.string(),
  createdAt: z.number(),
  leaseUntil: z.number(),
});

export function createSessionRegistry(account: AccountStore, now: () => number = Date.now, leaseMs: number = xipuAccountTtls.sessionLeaseMs) {
  const { store } = account;
  const key = account.keys.upstreamSessions;

  return {
    /** Records (or renews) a session with a fresh lease. One store command. */
    async record(session: { id: number; owner: string; model: string; createdAt: number }): Promise<void> {
      const value = { owner: session.owner, model: session.model, createdAt: session.createdAt, leaseUntil: now() + leaseMs };
      await store.hashSet(key, { [String(session.id)]: JSON.stringify(value) });
    },

    /** Ends a session's lease at once (its owner could not delete it): the sweep may take it. */
    async expire(id: number): Promise<void> {
      const raw = (await store.hashGetAll(key))[String(id)];
      if (!raw) return;
      const parsed = recordSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return;
      await store.hashSet(key, { [String(id)]: JSON.stringify({ ...parsed.data, leaseUntil: now() }) });
    },

    async forget(...ids: number[]): Promise<void> {
      if (ids.length > 0) await store.hashDelete(key, ...ids.map(String));
    },

    async list(): Promise<SessionRecord[]> {
      const entries = await store.hashGetAll(key);
      const records: SessionRecord[] = [];
      for (const [field, raw] of Object.entries(entries)) {
        const id = Number(field);
        if (!Number.isInteger(id)) continue;
        try {
          const parsed = recordSchema.safeParse(JSON.parse(raw));
          if (parsed.success) records.push({ id, ...parsed.data });
        } catch {
          // a corrupt record is skipped, never guessed at
        }
      }
      return records.sort((first, second) => first.createdAt - second.createdAt);
    },

    /** Sessions whose owner's lease has lapsed: the only ones anyone else may delete. */
    async listExpired(): Promise<SessionRecord[]> {
      const current = now();
      return (await this.list()).filter((record) => record.leaseUntil <= current);
    },

    leaseMs,
  };
}

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;
