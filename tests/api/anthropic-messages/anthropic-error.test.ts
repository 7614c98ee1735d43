import { describe, expect, it } from 'vitest';
import { anthropicErrorResponse } from '@/lib/api/anthropic-messages/anthropic-error';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import { upstreamBusyError } from '@/lib/pacing/upstream-busy-error';

describe('anthropicErrorResponse', () => {
  it.each([
    [invalidRequest('bad'), 400, 'invalid_request_error'],
    [new GatewayError('who', { status: 401, type: 'authentication_error' }), 401, 'authentication_error'],
    [new GatewayError('none', { status: 404, type: 'invalid_request_error' }), 404, 'not_found_error'],
    [new GatewayError('slow down', { status: 429, type: 'rate_limit_error', code: 'rate_limited', retryAfterSeconds: 3 }), 429, 'rate_limit_error'],
    [new GatewayError('big', { status: 413, type: 'invalid_request_error' }), 413, 'request_too_large'],
    [new Error('secret detail'), 500, 'api_error'],
  ])('%s → %i %s', async (error, status, type) => {
    const response = anthropicErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json();
    expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
    expect(body.error.message).not.toContain('secret');
  });

  it('the pacer’s upstream_busy is 529 overloaded_error with its Retry-After', async () => {
    const response = anthropicErrorResponse(upstreamBusyError({ waitMs: 4000, maxWaitMs: 30_000 }));
    expect(response.status).toBe(529);
    expect((await response.json()).error.type).toBe('overloaded_error');
    expect(response.headers.get('retry-after')).toBe('4');
  });
});
