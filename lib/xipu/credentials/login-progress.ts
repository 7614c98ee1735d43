import { z } from 'zod';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { LoginOutcome, LoginStepEvent } from './start-login';

/**
 * The step list of a login started from the admin page ("log in now"), kept in the store
 * (`XipuAccountKeys.loginProgress`, 10 minutes) so the page can show it while the login runs in
 * another invocation's `after()`.
 */
export interface LoginProgress {
  startedAt: number;
  /** `abandoned`: still "running" after the login lock's lifetime — the instance died mid-login. */
  status: 'running' | 'success' | 'failure' | 'abandoned';
  steps: LoginProgressStep[];
  finishedAt?: number;
  /** The failure, in words safe to show (the login's own message: never a password). */
  message?: string;
}

export interface LoginProgressStep {
  step: string;
  status: 'started' | 'done' | 'failed';
  /** Since the login began. */
  elapsedMs: number;
}

const progressSchema = z.object({
  startedAt: z.number(),
  status: z.enum(['running', 'success', 'failure']),
  steps: z.array(z.object({ step: z.string().max(60), status: z.enum(['started', 'done', 'failed']), elapsedMs: z.number() })).max(100),
  finishedAt: z.number().optional(),
  message: z.string().max(1_000).optional(),
});

/** The last admin-started login's progress, if it is still kept. */
export async function readLoginProgress(account: AccountStore, now: number): Promise<LoginProgress | undefined> {
  const raw = await account.store.get(account.keys.loginProgress);
  if (!raw) return undefined;
  try {
    const parsed = progressSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const progress: LoginProgress = parsed.data;
    // The lock frees a dead login after loginLockMs; its progress would say "running" forever.
    if (progress.status === 'running' && now - progress.startedAt > xipuAccountTtls.loginLockMs + 10_000) return { ...progress, status: 'abandoned' };
    return progress;
  } catch {
    return undefined;
  }
}

export interface LoginProgressRecorder {
  /** Records a login that has just started (no steps yet). */
  start(): Promise<void>;
  /** The login's `onStep`: queued, written in order; a failed write is ignored (the list is only a view). */
  onStep(event: LoginStepEvent): void;
  /** Records the outcome once the login ended, after every queued step. */
  finish(outcome: LoginOutcome | { status: 'failure'; message: string }): Promise<void>;
}


export function createLoginProgressRecorder(account: AccountStore, now: () => number): LoginProgressRecorder {
  const progress: LoginProgress = { startedAt: now(), status: 'running', steps: [] };
  let writes: Promise<void> = Promise.resolve();
  const write = () => {
    const snapshot = JSON.stringify(progress);
    writes = writes.then(() => account.store.set(account.keys.loginProgress, snapshot, { ttlMs: xipuAccountTtls.loginProgressMs })).catch(() => undefined);
    return writes;
  };
  return {
    start: () => write(),
    onStep(event) {
      const status = event.status === 'done' || event.status === 'failed' ? event.status : 'started';
      progress.steps.push({ step: event.step.slice(0, 60), status, elapsedMs: event.elapsedMs });
      void write();
    },
    async finish(outcome) {
      progress.finishedAt = now();
      if (outcome.status === 'success') progress.status = 'success';
      else {
        progress.status = 'failure';
        progress.message = 'state' in outcome ? outcome.state.message : outcome.message;
      }
      await write();
    },
  };
}

export type StepRowState = 'pending' | 'running' | 'done' | 'failed';

/** One line of the step list the page shows: every login step, in order, with how far it got. */
export interface StepRow {
  step: string;
  state: StepRowState;
  label: string;
}

/** Words for each state; the page's polling script uses the same. */
export const STEP_STATE_LABELS: Record<StepRowState, string> = { pending: 'waiting', running: 'running…', done: 'done', failed: 'failed' };

/** Every step of `steps` (the login's order), with its state from the progress events. */
export function describeLoginSteps(steps: readonly string[], progress: LoginProgress | undefined): StepRow[] {
  const last = new Map<string, LoginProgressStep>();
  for (const event of progress?.steps ?? []) last.set(event.step, event);
  return steps.map((step) => {
    const event = last.get(step);
    const state: StepRowState = !event ? 'pending' : event.status === 'started' ? 'running' : event.status;
    const label = event && event.status !== 'started' ? `${STEP_STATE_LABELS[state]} at ${(event.elapsedMs / 1000).toFixed(1)} s` : STEP_STATE_LABELS[state];
    return { step, state, label };
  });
}
