import type { ClientIdentity } from '@/lib/auth/authenticate-client';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { estimateRequestTokens } from '@/lib/chat/estimate-request-tokens';
import { observeChatRun } from '@/lib/chat/observe-chat-run';
import { runChat, type ChatRun } from '@/lib/chat/run-chat';
import { resolveModelAlias } from '@/lib/config/model-aliases';
import type { RouteHandler, RouteScope } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';
import { createRequestRecorder } from '@/lib/metrics/create-request-recorder';
import type { ChatCallOptions, ChatRequest } from '@/lib/providers/chat-provider';
import { failoverProvider } from '@/lib/providers/fail-over';
import { modelNotFound } from '@/lib/errors/gateway-error';

/**
 * One API shape's two ends: its request parser and its answer (docs/adding-an-api-shape.md).
 * `Parsed` is what the parser gives back: the ChatRequest itself, or the ChatRequest with what
 * the shape's answer needs besides (Responses: the echoed fields, its custom tools' names),
 * which `chatOf` picks out.
 */
export interface ChatRouteShape<Parsed = ChatRequest> {
  /**
   * The JSON body → the request; throws a 400 GatewayError before anything is sent upstream.
   * It may read the store through `scope` (Responses: what `previous_response_id` continues).
   */
  parse(body: unknown, scope: RouteScope): Parsed | Promise<Parsed>;
  /** The ChatRequest in what `parse` gave (absent: `parse` gives the ChatRequest itself). */
  chatOf?(parsed: Parsed): ChatRequest;
  /** A started chat → the shape's SSE or JSON `Response`. */
  respond(run: ChatRun, parsed: Parsed, options: { systemFingerprint?: string; scope: RouteScope }): Promise<Response>;
  /**
   * A request the gateway answers itself, with no upstream call (Anthropic: Claude Code's
   * `max_tokens: 1` quota probe), after the client's limits: its run, else undefined.
   */
  answerLocally?(chat: ChatRequest, startedAt: number): ChatRun | undefined;
  /**
   * Whose chat this is, when not the caller's key's: the /admin chat runs for a key the admin
   * names (lib/handlers/admin-chat.ts), whose allow-list, limits, quota and usage then apply as
   * if that key had called. Absent: `scope.client`.
   */
  clientOf?(parsed: Parsed, scope: RouteScope): Promise<ClientIdentity>;
  /** Told of each turn in the account's schedule before the answer starts (ChatCallOptions.onTurn). */
  onTurn?: ChatCallOptions['onTurn'];
}

/** The upstream id of answers the gateway gives itself, in logs and metrics. */
const LOCAL_ANSWER = 'local';

/**
 * The handler of a route that runs a chat, whatever its API shape, so every shape takes the
 * same steps in the same order: read the body, parse it, apply the client's limits, route by
 * model (after MODEL_ALIASES), `runChat()`, answer in the shape's format. Every request that reaches it
 * (authenticated) leaves one metrics record, written after the response has closed: its status
 * — also of failures the route wrapper answers — and timing.
 */
export function chatRoute<Parsed = ChatRequest>(shape: ChatRouteShape<Parsed>): RouteHandler {
  return async (request, scope) => {
    const startedAt = scope.context.now();
    const { config, store, providers } = scope.context;
    const recorder = createRequestRecorder({
      store,
      requestId: scope.requestId,
      client: scope.client.name,
      keyId: scope.client.managed ? scope.client.id : undefined,
      startedAt,
      now: scope.context.now,
      signal: request.signal,
    });
    scope.onAnswered(recorder.answered);
    scope.defer(recorder.save);

    const parsed = await shape.parse(await readJsonBody(request, config.limits.maxRequestBytes), scope);
    const chatRequest = shape.chatOf ? shape.chatOf(parsed) : (parsed as ChatRequest);
    scope.logFields.model = chatRequest.model;
    scope.logFields.stream = chatRequest.stream;
    const client = shape.clientOf ? await shape.clientOf(parsed, scope) : scope.client;
    if (client !== scope.client) scope.logFields.client = client.name;
    recorder.describe({ model: chatRequest.model, stream: chatRequest.stream, client: client.name });

    // The recorder's save (deferred above) frees the slot with its metrics write: one command;
    // a managed key's usage is settled then too (docs/keys.md).
    const lease = await enforceClientLimits(store, client, config.limits, scope.requestId, scope.context.now, {
      model: chatRequest.model,
      estimateTokens: () => estimateRequestTokens(chatRequest),
    });
    recorder.holdLease(lease);
    if (client.managed) recorder.chargeTo({ keyId: client.id, reservation: lease.reservation });
    const local = shape.answerLocally?.(chatRequest, startedAt);
    if (local) {
      scope.logFields.upstream = LOCAL_ANSWER;
      recorder.routedTo(LOCAL_ANSWER);
      recorder.countedUsage(local.usage);
      // Observed like any run, so the metrics record sees its end and frees the slot at once.
      const observed = { ...local, parts: local.parts.pipeThrough(observeChatRun({ requestId: scope.requestId, startedAt, now: scope.context.now, observer: recorder })) };
      return shape.respond(observed, parsed, { systemFingerprint: scope.context.systemFingerprint, scope });
    }
    // MODEL_ALIASES turns the requested id into the one routed and sent upstream; the answer
    // keeps naming the id the client asked for.
    const model = resolveModelAlias(config.modelAliases, chatRequest.model);
    const endpoints = await providers.route(model);
    if (endpoints.length === 0) throw modelNotFound(chatRequest.model);
    // Fails over between the model's endpoints before the first byte (lib/providers/fail-over.ts);
    // the log line and the metrics record name the endpoint that answered (or failed last).
    const provider = failoverProvider(endpoints, (endpoint) => {
      scope.logFields.upstream = endpoint.id;
      recorder.routedTo(endpoint.id);
    });
    const run = await runChat({ ...chatRequest, model }, {
      provider,
      requestId: scope.requestId,
      signal: request.signal,
      defer: scope.defer,
      now: scope.context.now,
      startedAt,
      startDeadlineMs: config.requestStartDeadlineMs,
      origin: new URL(request.url).origin,
      observer: recorder,
      toolTrigger: config.tools.trigger,
      // Requests waiting for an account's schedule are served round robin across keys.
      queueAs: { client: client.id, arrivedAt: startedAt },
      onTurn: shape.onTurn,
    });
    recorder.countedUsage(run.usage);
    return shape.respond(run, parsed, { systemFingerprint: scope.context.systemFingerprint, scope });
  };
}
