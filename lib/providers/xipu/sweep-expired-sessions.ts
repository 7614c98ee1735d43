import type { Pacer } from '@/lib/pacing/pacer';
import { logEvent } from '@/lib/log/log-event';
import { deleteSessions, type XipuApiOptions } from './xipu-api';
import { pacedXipuCall } from './paced-xipu-call';
import { recordSweep } from './sweep-record';
import type { Store } from '@/lib/store/store';

import type { SessionRegistry } from './session-registry';

/**
 * Deletes, in one batched delSession call, every recorded session whose owner's lease has
 * lapsed (a crashed instance's, or one whose cleanup failed). Live sessions, the heartbeat
 * session and sessions the gateway did not create are never in that list.
 * @returns the ids deleted.
 */
export async function sweepExpiredSessions(options: {
  registry: SessionRegistry;
  pacer: Pacer;
  api: XipuApiOptions;
  excludeIds?: number[];
  /** Where to keep the sweep's totals for the admin page. */
  store?: Store;
}): Promise<number[]> {
  const excluded = new Set(options.excludeIds ?? []);
  const expired = (await options.registry.listExpired()).filter((record) => !excluded.has(record.id));
  if (expired.length === 0) return [];
  const ids = expired.map((record) => record.id);
  const reply = await pacedXipuCall(options.pacer, 'delSession', () => deleteSessions(ids, options.api), { signal: options.api.signal });
  if (!reply.ok) {
    logEvent('warn', 'sweep_failed', { sessions: ids.length, upstreamMessage: reply.message });
    return [];
  }
  await options.registry.forget(...ids);
  logEvent('info', 'sessions_swept', { sessions: ids.length });
  if (options.store) await recordSweep(options.store, ids.length);
  return ids;
}
