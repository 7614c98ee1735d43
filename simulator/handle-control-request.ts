import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultSchema } from '@/simulator/faults';
import { readJsonBody } from '@/simulator/read-json-body';
import { scriptedReplySchema } from '@/simulator/scripted-replies';
import { simulatorRuntimeOptionsSchema, type SimulatorControls } from '@/simulator/simulator-controls';

/** Where the control routes live; no real XIPU path starts with it. */
export const controlPathPrefix = '/__sim/';

const faultsBodySchema = z.object({ faults: z.array(faultSchema) });
const credentialsBodySchema = z.object({ lifetimeSeconds: z.number().optional(), account: z.string().min(1).optional() });
const browserSessionsBodySchema = z.object({
  count: z.number().int().min(0).max(10_000),
  account: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});
const scriptedRepliesBodySchema = z.object({ scripts: z.array(scriptedReplySchema) });
const emptyBodySchema = z.object({});

type ControlResult = { ok: true; answer: unknown } | { ok: false; error: string };

interface ControlRoute {
  method: 'GET' | 'POST';
  /** Validates the body, then runs the control. */
  run(controls: SimulatorControls, body: unknown): ControlResult;
}

/** A route whose body is checked against `schema` before `run` sees it. */
function controlRoute<Schema extends z.ZodType>(
  method: ControlRoute['method'],
  schema: Schema,
  run: (controls: SimulatorControls, body: z.infer<Schema>) => unknown,
): ControlRoute {
  return {
    method,
    run(controls, body) {
      const parsed = schema.safeParse(body);
      return parsed.success ? { ok: true, answer: run(controls, parsed.data) } : { ok: false, error: z.prettifyError(parsed.error) };
    },
  };
}

/** Each control route by its name under `/__sim/`. */
const controlRoutes: Record<string, ControlRoute> = {
  state: controlRoute('GET', emptyBodySchema, (controls) => controls.state()),
  faults: controlRoute('POST', faultsBodySchema, (controls, body) => {
    controls.injectFaults(...body.faults);
    return { ok: true, faultsPending: controls.state().faultsPending };
  }),
  reset: controlRoute('POST', emptyBodySchema, (controls) => {
    controls.reset();
    return { ok: true };
  }),
  credentials: controlRoute('POST', credentialsBodySchema, (controls, body) => controls.mintCredentials(body)),
  'browser-sessions': controlRoute('POST', browserSessionsBodySchema, (controls, body) => {
    const ids = controls.createBrowserSessions(body);
    return { ids, capReached: ids.length < body.count };
  }),
  options: controlRoute('POST', simulatorRuntimeOptionsSchema, (controls, body) => {
    controls.setOptions(body);
    const { profile, minGapMs, chunkDelayMs, sessionCap, staleSessionUpdate, delSessionUnknownIds } = controls.state();
    return { ok: true, options: { profile, minGapMs, chunkDelayMs, sessionCap, staleSessionUpdate, delSessionUnknownIds } };
  }),
  'scripted-replies': controlRoute('POST', scriptedRepliesBodySchema, (controls, body) => {
    controls.setScriptedReplies(body.scripts);
    return { ok: true, scriptedReplies: controls.state().scriptedReplies };
  }),
};

/**
 * The HTTP face of the simulator controls, for other processes (benchmark, demo, multi-process
 * tests): `GET /__sim/state`, `POST /__sim/faults|reset|credentials|browser-sessions|options|scripted-replies`.
 * Not rate limited, no credentials. Bad bodies answer 400 `{error}`.
 */
export async function handleControlRequest(
  controls: SimulatorControls,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
): Promise<void> {
  const route = controlRoutes[pathname.slice(controlPathPrefix.length)];
  if (route === undefined) {
    sendJson(response, 404, { error: `no control route ${pathname}` });
    return;
  }
  if (request.method !== route.method) {
    response.setHeader('allow', route.method);
    sendJson(response, 405, { error: `${pathname} takes ${route.method}` });
    return;
  }
  const body = route.method === 'GET' ? ({ ok: true, value: {} } as const) : await readJsonBody(request);
  if (!body.ok) {
    sendJson(response, 400, { error: `body is ${body.reason}` });
    return;
  }
  const result = route.run(controls, body.value);
  if (!result.ok) {
    sendJson(response, 400, { error: result.error });
    return;
  }
  sendJson(response, 200, result.answer);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
