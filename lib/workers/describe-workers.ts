import { readBalanceStates, readinessFromState } from '@/lib/balancing/read-balance-states';
import type { Store } from '@/lib/store/store';
import { listWorkers } from './list-workers';
import { toWorkerView, type WorkerView } from './worker-entry';
import { workerEndpointId } from './worker-endpoint-id';

/** A worker as `GET /api/workers` and /admin show it: its entry without the apiKey, and its load and health. */
export interface WorkerStatus extends WorkerView {
  /** Its calls in flight on every instance. */
  inFlight: number;
  /** Consecutive failures since its last success. */
  failures: number;
  /** `ok`, or why it is skipped ("cooling down until 12:00:05 UTC"). */
  health: string;
  /** Epoch ms its cooldown ends, while it lasts. */
  cooldownUntil?: number;
}

/** The live workers with their state: two store commands (the registry, then every worker's balancing state at once). */
export async function describeWorkers(store: Store, now: number): Promise<WorkerStatus[]> {
  const workers = await listWorkers(store, now);
  const states = await readBalanceStates(store, workers.map((worker) => workerEndpointId(worker.id)), now);
  return workers.map((worker, index) => {
    const state = states[index]!;
    const readiness = readinessFromState(state, now);
    return {
      ...toWorkerView(worker),
      inFlight: state.inFlight,
      failures: state.failures,
      health: readiness.available ? 'ok' : readiness.reason,
      ...(state.cooldownUntil > now ? { cooldownUntil: state.cooldownUntil } : {}),
    };
  });
}
