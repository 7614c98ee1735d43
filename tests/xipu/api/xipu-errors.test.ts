import { describe, expect, it } from 'vitest';
import { mapXipuHttpError } from '@/lib/xipu/api/xipu-errors';

describe('mapXipuHttpError', () => {
  it.each([
    [403, '{"code":403,"msg":"token expired"}', 503, 'upstream_login_expired'],
    [401, '', 503, 'upstream_login_expired'],
    [500, '{"code":500,"msg":"token error"}', 503, 'upstream_login_expired'],
    [500, 'Invalid token', 503, 'upstream_login_expired'],
    [500, '{"msg":"input exceeds the max tokens of the model"}', 502, 'upstream_error'],
    [500, 'maximum context length is 128000 tokens', 502, 'upstream_error'],
    [429, '{"code":429,"msg":"Request too fast, please try again later!"}', 429, 'upstream_rate_limited'],
    [502, 'Bad gateway', 502, 'upstream_error'],
  ])('HTTP %i %s → %i %s', (status, body, expectedStatus, code) => {
    const error = mapXipuHttpError(status, body);
    expect(error.status).toBe(expectedStatus);
    expect(error.code).toBe(code);
  });
});
