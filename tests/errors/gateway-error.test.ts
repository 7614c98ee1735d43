import { describe, expect, it } from 'vitest';
import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';

describe('GatewayError', () => {
  it('is recognised across copies of its module (Next bundles a module once per route)', async () => {
    // A second copy of the module, as another bundle would have it.
    const copy = (await import(`@/lib/errors/gateway-error?copy=${Date.now()}`)) as typeof import('@/lib/errors/gateway-error');
    expect(copy.GatewayError).not.toBe(GatewayError);
    const fromOtherBundle = new copy.GatewayError('elsewhere', { status: 404, type: 'invalid_request_error' });
    expect(fromOtherBundle instanceof GatewayError).toBe(true);
    expect(isGatewayError(fromOtherBundle)).toBe(true);
  });

  it('does not mistake other errors for it', () => {
    expect(isGatewayError(new Error('plain'))).toBe(false);
    expect(isGatewayError({ status: 404 })).toBe(false);
    expect(isGatewayError(null)).toBe(false);
  });

  it('defaults retryable from the status', () => {
    expect(new GatewayError('x', { status: 429, type: 'rate_limit_error' }).retryable).toBe(true);
    expect(new GatewayError('x', { status: 503, type: 'server_error' }).retryable).toBe(true);
    expect(new GatewayError('x', { status: 400, type: 'invalid_request_error' }).retryable).toBe(false);
  });
});
