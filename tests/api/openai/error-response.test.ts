import { describe, expect, it } from 'vitest';
import { GatewayError, invalidRequest, type GatewayErrorOptions } from '@/lib/errors/gateway-error';
import { errorBody, errorHeaders, errorResponse, sseErrorEvent, toOpenAIError } from '@/lib/api/openai/error-response';

const make = (options: Partial<GatewayErrorOptions> & Pick<GatewayErrorOptions, 'status' | 'type'>): GatewayError =>
  new GatewayError('message', options);

describe('errorHeaders', () => {
  it.each<[string, GatewayError, Record<string, string>]>([
    ['400 invalid request: do not retry', invalidRequest('bad', 'model'), { 'x-should-retry': 'false' }],
    ['401', make({ status: 401, type: 'authentication_error' }), { 'x-should-retry': 'false' }],
    ['404', make({ status: 404, type: 'not_found_error' }), { 'x-should-retry': 'false' }],
    ['429 with Retry-After', make({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 30 }), { 'Retry-After': '30', 'x-should-retry': 'true' }],
    ['429 fractional Retry-After rounded up', make({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 1.2 }), { 'Retry-After': '2', 'x-should-retry': 'true' }],
    ['429 negative Retry-After clamped', make({ status: 429, type: 'rate_limit_error', retryAfterSeconds: -3 }), { 'Retry-After': '0', 'x-should-retry': 'true' }],
    ['503 with Retry-After', make({ status: 503, type: 'server_error', retryAfterSeconds: 60 }), { 'Retry-After': '60', 'x-should-retry': 'true' }],
    ['500 retryable: no hint', make({ status: 500, type: 'server_error' }), {}],
    ['502 not retryable (content refused upstream)', make({ status: 502, type: 'upstream_error', retryable: false }), { 'x-should-retry': 'false' }],
    ['503 marked not retryable', make({ status: 503, type: 'server_error', retryable: false }), { 'x-should-retry': 'false' }],
  ])('%s', (_name, error, headers) => {
    expect(errorHeaders(error)).toEqual(headers);
  });
});

describe('errorResponse', () => {
  it.each<[string, unknown, number, Record<string, unknown>, Record<string, string>]>([
    [
      'invalid request',
      invalidRequest("Invalid type for 'temperature'", 'temperature', 'invalid_type'),
      400,
      { error: { message: "Invalid type for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: 'invalid_type' } },
      { 'content-type': 'application/json', 'x-should-retry': 'false' },
    ],
    [
      'rate limited',
      new GatewayError('Too many requests.', { status: 429, type: 'rate_limit_error', code: 'rate_limited', retryAfterSeconds: 7 }),
      429,
      { error: { message: 'Too many requests.', type: 'rate_limit_error', param: null, code: 'rate_limited' } },
      { 'content-type': 'application/json', 'retry-after': '7', 'x-should-retry': 'true' },
    ],
    [
      'unexpected Error: generic 500, nothing leaked',
      new Error('connect ECONNREFUSED 10.0.0.3:6379 token=sk-secret'),
      500,
      { error: { message: 'Internal error', type: 'server_error', param: null, code: 'internal_error' } },
      { 'content-type': 'application/json' },
    ],
    [
      'thrown string',
      'boom',
      500,
      { error: { message: 'Internal error', type: 'server_error', param: null, code: 'internal_error' } },
      { 'content-type': 'application/json' },
    ],
  ])('%s', async (_name, error, status, body, headers) => {
    const response = errorResponse(error);
    expect(response.status).toBe(status);
    expect(Object.fromEntries(response.headers)).toEqual(headers);
    expect(await response.json()).toEqual(body);
  });

  it('adds caller headers such as CORS', () => {
    const response = errorResponse(invalidRequest('bad'), { headers: { 'Access-Control-Allow-Origin': '*' } });
    expect(Object.fromEntries(response.headers)).toEqual({
      'access-control-allow-origin': '*',
      'content-type': 'application/json',
      'x-should-retry': 'false',
    });
  });
});

describe('toOpenAIError / errorBody / sseErrorEvent', () => {
  it('passes a GatewayError through unchanged', () => {
    const error = invalidRequest('bad');
    expect(toOpenAIError(error)).toBe(error);
  });

  it('keeps the original error out of the mapped one', () => {
    const mapped = toOpenAIError(new Error('secret detail'));
    expect({ status: mapped.status, message: mapped.message, cause: mapped.cause }).toEqual({ status: 500, message: 'Internal error', cause: undefined });
  });

  it('builds the body from the error fields', () => {
    const error = new GatewayError('Model not found.', { status: 404, type: 'not_found_error', param: 'model', code: 'model_not_found' });
    expect(errorBody(error)).toEqual({ error: { message: 'Model not found.', type: 'not_found_error', param: 'model', code: 'model_not_found' } });
  });

  it.each<[string, unknown, string]>([
    [
      'gateway error with a multi-line message',
      new GatewayError('first line\nsecond line', { status: 502, type: 'upstream_error', code: 'upstream_failed' }),
      'data: {"error":{"message":"first line\\nsecond line","type":"upstream_error","param":null,"code":"upstream_failed"}}\n\n',
    ],
    ['unknown error', new TypeError('x is undefined'), 'data: {"error":{"message":"Internal error","type":"server_error","param":null,"code":"internal_error"}}\n\n'],
  ])('sseErrorEvent: %s', (_name, error, event) => {
    expect(sseErrorEvent(error)).toBe(event);
  });
});
