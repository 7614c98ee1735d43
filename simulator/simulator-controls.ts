import { z } from 'zod';
import type { MintedCredentials } from '@/simulator/credential-issuer';
import type { Fault } from '@/simulator/faults';
import { readSimulatorState, type SimulatorState } from '@/simulator/read-simulator-state';
import { scriptedReplySchema, type ScriptedReply } from '@/simulator/scripted-replies';
import { browserSessionName, defaultSessionSettings } from '@/simulator/session-book';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { createSimulatorCounters } from '@/simulator/simulator-counters';

/** The account credentials belong to when none is named. */
export const defaultSimulatorAccount = 'demo-student';

/** Behaviour that can change while the simulator runs (`POST /__sim/options`). */
export const simulatorRuntimeOptionsSchema = z
  .object({
    profile: z.enum(['default', 'strict']),
    minGapMs: z.number().min(0),
    chunkDelayMs: z.number().min(0),
    sessionCap: z.number().int().min(1),
    staleSessionUpdate: z.enum(['error', 'new-id']),
    delSessionUnknownIds: z.enum(['ignore', 'refuse']),
  })
  .partial()
  .strict();
export type SimulatorRuntimeOptions = z.infer<typeof simulatorRuntimeOptionsSchema>;

export interface BrowserSessionRequest {
  count: number;
  account?: string;
  /** Defaults to the first model served. */
  model?: string;
}

/** What a test, the benchmark or demo mode can do to a simulator, in process or over HTTP. */
export interface SimulatorControls {
  /** Mints a credential pair. Lifetime defaults to `tokenLifetimeSeconds`; ≤ 0 gives an expired token. */
  mintCredentials(options?: { lifetimeSeconds?: number; account?: string }): MintedCredentials;
  state(): SimulatorState;
  /** Queues faults (`expire-tokens` acts at once). */
  injectFaults(...faults: Fault[]): void;
  /**
   * Clears sessions, counters (the recent prompts and the scripted replies' uses included),
   * faults (an `expire-tokens` fault included) and the frequency limit's memory. Minted
   * credentials stay valid (an sdp session dead of idleness stays dead), portal logins stay,
   * options and scripted replies stay as set, open streams go on. The ai-chats.org simulator
   * is reset whole (its counters, fault and options: simulator/aichats/README.md).
   */
  reset(): void;
  /**
   * Creates sessions as the account owner's browser would (named `New Chat`): they count
   * toward the cap, and the call is not paced. Stops at the cap.
   *
   * @returns the new sessions' ids (fewer than `count` when the cap was reached).
   */
  createBrowserSessions(request: BrowserSessionRequest): number[];
  /** Changes behaviour at run time. @throws ZodError for invalid values. */
  setOptions(options: SimulatorRuntimeOptions): void;
  /**
   * Replaces the scripted replies (scripted-replies.ts), their uses from 0; `[]` removes them.
   * @throws ZodError for invalid ones (a regex that does not compile included).
   */
  setScriptedReplies(scripts: ScriptedReply[]): void;
}

/** Binds the controls to one simulator's state. */
export function createSimulatorControls(context: SimulatorContext): SimulatorControls {
  return {
    mintCredentials(options = {}) {
      return context.credentials.mint({
        account: options.account ?? defaultSimulatorAccount,
        lifetimeSeconds: options.lifetimeSeconds ?? context.settings.tokenLifetimeSeconds,
      });
    },

    state() {
      return readSimulatorState(context);
    },

    injectFaults(...faults) {
      for (const fault of faults) {
        if (fault.kind === 'expire-tokens') context.credentials.expireAllMinted();
        else context.faults.add(fault);
      }
    },

    reset() {
      context.sessions.clear();
      context.faults.clear();
      context.scripts.resetUses();
      context.credentials.clearForcedExpiry();
      context.pacer.reset();
      context.aichats.reset();
      context.counters = createSimulatorCounters();
      context.counters.maxConcurrentStreams = context.liveStreams.size;
    },

    createBrowserSessions({ count, account = defaultSimulatorAccount, model }) {
      const ids: number[] = [];
      for (let created = 0; created < count; created += 1) {
        if (context.sessions.countFor(account) >= context.settings.sessionCap) break;
        const session = context.sessions.create(
          account,
          { ...defaultSessionSettings, name: browserSessionName, model: model ?? context.settings.models[0] ?? '' },
          'browser',
        );
        context.counters.sessionsCreated += 1;
        ids.push(session.id);
      }
      return ids;
    },

    setOptions(options) {
      Object.assign(context.settings, simulatorRuntimeOptionsSchema.parse(options));
    },

    setScriptedReplies(scripts) {
      context.scripts.replace(z.array(scriptedReplySchema).parse(scripts));
    },
  };
}
