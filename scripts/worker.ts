/**
 * `npm run worker -- --gateway <url> --secret <WORKER_SECRET> --base-url <…/v1> [--models a,b]
 * [--id x] [--api-key k] [--interval 30]`: keeps one OpenAI-compatible server (Ollama, vLLM,
 * llama.cpp, LM Studio, …) registered with a gateway's worker registry (docs/workers.md "The
 * worker command"). It registers at once, heartbeats every interval with a TTL of three
 * intervals (FastChat's 30 s / 90 s), and deregisters on Ctrl-C or SIGTERM. Without
 * `--models` the list is read from the server's `GET /models` at every beat, so a model it
 * pulls later is announced too. The gateway calls the server itself: `--base-url` must be
 * reachable from the gateway, not just from here.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseUrlSchema, entryIdSchema } from '@/lib/config/provider-entries';
import { fetchModelIds } from '@/lib/openai-compatible/create-upstream-source';
import { MAX_WORKER_TTL_SECONDS, MIN_WORKER_TTL_SECONDS } from '@/lib/workers/worker-entry';

/** Each call to the gateway is bounded: a gateway that hangs must not stall the heartbeat. */
const GATEWAY_TIMEOUT_MS = 10_000;
/** Answers that another try would not change: stop instead of beating on. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 503]);

const argumentsSchema = z.object({
  gateway: z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, '')),
  secret: z.string().trim().min(1, { message: 'give --secret or set WORKER_SECRET' }),
  'base-url': baseUrlSchema,
  models: z
    .string()
    .transform((value) => value.split(',').map((model) => model.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, { message: 'list at least one model, or leave --models out to read them from the server' }))
    .optional(),
  id: entryIdSchema.optional(),
  'api-key': z.string().trim().min(1).optional(),
  interval: z.coerce.number().int().min(Math.ceil(MIN_WORKER_TTL_SECONDS / 3)).max(Math.floor(MAX_WORKER_TTL_SECONDS / 3)).default(30),
});
type WorkerArguments = z.output<typeof argumentsSchema>;

class PermanentRefusal extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string' },
      secret: { type: 'string' },
      'base-url': { type: 'string' },
      models: { type: 'string' },
      id: { type: 'string' },
      'api-key': { type: 'string' },
      interval: { type: 'string' },
    },
  });
  const parsed = argumentsSchema.safeParse({ ...values, secret: values.secret ?? process.env.WORKER_SECRET ?? '' });
  if (!parsed.success) {
    console.error(`Invalid arguments:\n${z.prettifyError(parsed.error)}`);
    process.exitCode = 2;
    return;
  }
  const options = parsed.data;
  const id = options.id ?? defaultWorkerId(options['base-url']);
  let models = options.models ?? [];
  let stopping = false;

  const beat = async (): Promise<void> => {
    if (!options.models) {
      try {
        models = await fetchModelIds({ name: `worker:${id}`, baseUrl: options['base-url'], apiKey: options['api-key'] });
      } catch (error) {
        console.error(`could not read ${options['base-url']}/models (${describe(error)})${models.length > 0 ? '; announcing the last list' : ''}`);
      }
      if (models.length === 0) return;
    }
    const body = { id, baseUrl: options['base-url'], models, ttlSeconds: options.interval * 3, ...(options['api-key'] ? { apiKey: options['api-key'] } : {}) };
    const response = await callGateway(options, 'POST', '/api/workers', body);
    const answer = (await response.json().catch(() => ({}))) as { created?: boolean; expiresAt?: number; error?: { message?: string } };
    if (!response.ok) {
      const message = `the gateway answered ${response.status}: ${answer.error?.message ?? 'no message'}`;
      if (PERMANENT_STATUSES.has(response.status)) throw new PermanentRefusal(message);
      console.error(message);
      return;
    }
    console.log(`${answer.created ? 'registered' : 'heartbeat'} worker ${id} (${models.join(', ')}) until ${new Date(answer.expiresAt ?? 0).toISOString()}`);
  };

  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    try {
      const response = await callGateway(options, 'DELETE', `/api/workers/${encodeURIComponent(id)}`);
      console.log(response.ok || response.status === 404 ? `deregistered worker ${id} (${signal})` : `deregistering ${id} failed: ${response.status}`);
    } catch (error) {
      console.error(`deregistering ${id} failed (${describe(error)}); its entry lapses in ${options.interval * 3} s`);
    }
    process.exit(0);
  };

  const safeBeat = () =>
    beat().catch((error: unknown) => {
      if (error instanceof PermanentRefusal) {
        console.error(`${error.message}; stopping`);
        clearInterval(timer);
        process.exit(1);
      }
      console.error(`heartbeat failed (${describe(error)}); trying again in ${options.interval} s`);
    });
  const timer = setInterval(() => void safeBeat(), options.interval * 1000);
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await safeBeat();
}

function callGateway(options: WorkerArguments, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  return fetch(`${options.gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${options.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
  });
}

/** `gpu-box-11434`: this machine's name and the server's port, stable across restarts. */
function defaultWorkerId(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname === '127.0.0.1' || url.hostname === 'localhost' ? hostname() : url.hostname;
  return `${host}-${port}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 64);
}

/** An error in a few words; never a secret (only URLs and statuses are in these messages). */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void main();
