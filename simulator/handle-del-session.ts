import { z } from 'zod';
import type { CallExchange } from '@/simulator/call-exchange';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { upstreamMessages } from '@/simulator/upstream-messages';

/** The delSession body: several ids at once — docs/xipu-protocol "Endpoints". */
const delSessionBodySchema = z.object({ ids: z.array(z.number().int()) });

/**
 * `delSession`: deletes every listed session the account has, ignores the rest, and answers
 * `code: 0`. With `delSessionUnknownIds: 'refuse'` (the real behaviour for unknown ids is not
 * recorded) a call listing any id the account does not have deletes nothing and answers
 * `code: 1` `Session not found`, a single id as a batch. Each handled call, refused or not, is
 * recorded as a batch with its id count.
 */
export function handleDelSession(context: SimulatorContext, exchange: CallExchange, account: string, body: unknown): void {
  const parsed = delSessionBodySchema.safeParse(body);
  if (!parsed.success) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.invalidBody });
    return;
  }
  const { ids } = parsed.data;
  context.counters.delSessionBatches.calls += 1;
  context.counters.delSessionBatches.idsPerCall.push(ids.length);
  if (context.settings.delSessionUnknownIds === 'refuse' && ids.some((id) => context.sessions.find(account, id) === undefined)) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.sessionNotFound });
    return;
  }
  context.counters.sessionsDeleted += context.sessions.delete(account, ids);
  exchange.sendJson(200, { code: 0, msg: upstreamMessages.success });
}
