/**
 * The one error type that crosses module boundaries. It knows the HTTP status the client
 * should see, the OpenAI error `type`/`code`/`param`, and whether a retry can help, so one
 * function (lib/api/openai/error-response.ts) can turn any failure into OpenAI error JSON.
 */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error';

export interface GatewayErrorOptions {
  status: number;
  type: GatewayErrorType;
  code?: string | null;
  param?: string | null;
  /** Seconds the client should wait before retrying; sent as `Retry-After` (429/503). */
  retryAfterSeconds?: number;
  /**
   * Whether a retry of the same request can succeed. `false` adds `x-should-retry: false`,
   * which openai-node honours, so a client does not burn another upstream session.
   */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Next.js bundles a module once per route (and once more for instrumentation.ts), and the
 * process-wide context built in one bundle throws errors seen by another: a plain
 * `instanceof` would compare two copies of this class. A registered symbol brands every
 * instance and makes `instanceof` and isGatewayError work across copies.
 */
const GATEWAY_ERROR_BRAND = Symbol.for('xipu-gateway.gateway-error');

export class GatewayError extends Error {
  readonly [GATEWAY_ERROR_BRAND] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && GATEWAY_ERROR_BRAND in value;
  }

  readonly status: number;
  readonly type: GatewayErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.retryable = options.retryable ?? (options.status === 429 || options.status >= 500);
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** 400 for a request the client must change. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null): GatewayError {
  return new GatewayError(message, { status: 400, type: 'invalid_request_error', param, code, retryable: false });
}

/** 404 `model_not_found`, as OpenAI answers a model nobody serves. */
export function modelNotFound(model: string, what = 'does not exist'): GatewayError {
  return new GatewayError(`The model '${model}' ${what}.`, { status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model', retryable: false });
}

/**
 * An error in one line for a log: a GatewayError's status, code and message, else the
 * message. Upstream and store errors carry no secrets.
 */
export function describeErrorForLog(error: unknown): string {
  if (error instanceof GatewayError) return `${error.status} ${error.code ?? ''} ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}
