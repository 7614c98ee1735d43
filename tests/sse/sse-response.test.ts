import { describe, expect, it } from 'vitest';
import { SSE_HEADERS, sseResponse } from '@/lib/sse/sse-response';
import { streamOf } from '@/tests/support/stream-helpers';

describe('sseResponse', () => {
  it('streams the strings as UTF-8 with the SSE headers', async () => {
    const response = sseResponse(streamOf(['data: {"content":"中文😀"}\n\n', 'data: [DONE]\n\n']));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'content-type': 'text/event-stream; charset=utf-8',
      'x-accel-buffering': 'no',
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toBe('data: {"content":"中文😀"}\n\ndata: [DONE]\n\n');
  });

  it('adds caller headers but never Content-Length or Content-Encoding', () => {
    const response = sseResponse(streamOf([]), {
      headers: { 'Access-Control-Allow-Origin': '*', 'Content-Encoding': 'gzip', 'Content-Length': '10' },
    });
    expect(Object.fromEntries(response.headers)).toEqual({
      'access-control-allow-origin': '*',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'content-type': 'text/event-stream; charset=utf-8',
      'x-accel-buffering': 'no',
    });
  });

  it('exposes the headers as a constant', () => {
    expect(SSE_HEADERS).toEqual({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
  });
});
