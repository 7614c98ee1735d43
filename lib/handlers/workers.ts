import { describeIssue, entryIdSchema } from '@/lib/config/provider-entries';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { RouteHandler, RouteScope } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';
import { deregisterWorker } from '@/lib/workers/deregister-worker';
import { describeWorkers } from '@/lib/workers/describe-workers';
import { registerWorker } from '@/lib/workers/register-worker';
import { toWorkerView, workerRegistrationSchema } from '@/lib/workers/worker-entry';
import { authorizeWorkerRequest } from './authorize-worker-request';

/** A registration is a few hundred bytes; this bounds what an authorised caller can make the store hold. */
const MAX_REGISTRATION_BYTES = 64 * 1024;

/**
 * POST /api/workers (bearer WORKER_SECRET): registers a worker or heartbeats it
 * (docs/workers.md "Routes"). 200 with the entry as stored, minus its apiKey, and `created`
 * (false for a heartbeat); 400 naming the first bad field (never its value).
 */
export const registerWorkerHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeWorkerRequest(request, config, { allowAdmin: false, now: now() });
  const parsed = workerRegistrationSchema.safeParse(await readJsonBody(request, MAX_REGISTRATION_BYTES));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || null;
    throw invalidRequest(`Invalid worker registration: ${describeIssue(parsed.error)}.`, field, 'invalid_worker');
  }
  const { entry, created } = await registerWorker(store, parsed.data, now());
  scope.logFields.worker = entry.id;
  return Response.json({ ...toWorkerView(entry), created });
};

/**
 * GET /api/workers (bearer WORKER_SECRET or ADMIN_PASSWORD, or an /admin session): the live
 * workers with last heartbeat, expiry, calls in flight and health. Never an apiKey.
 */
export const listWorkersHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeWorkerRequest(request, config, { allowAdmin: true, now: now() });
  return Response.json({ object: 'list', data: await describeWorkers(store, now()) }, { headers: { 'cache-control': 'no-store' } });
};

/** DELETE /api/workers/{id} (bearer WORKER_SECRET): deregisters at once. 404 `worker_not_found` when it is not live. */
export const deregisterWorkerHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeWorkerRequest(request, config, { allowAdmin: false, now: now() });
  const id = workerIdParam(scope);
  scope.logFields.worker = id;
  if (!(await deregisterWorker(store, id, now()))) {
    throw new GatewayError(`No worker '${id}' is registered.`, { status: 404, type: 'not_found_error', code: 'worker_not_found', param: 'id', retryable: false });
  }
  return Response.json({ id, deleted: true });
};

function workerIdParam(scope: RouteScope): string {
  const raw = scope.params.id;
  const parsed = entryIdSchema.safeParse(Array.isArray(raw) ? raw.join('/') : raw);
  if (!parsed.success) throw invalidRequest('The worker id in the path is 1 to 64 letters, digits, dots, underscores or dashes.', 'id', 'invalid_worker');
  return parsed.data;
}
