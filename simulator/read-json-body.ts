import type { IncomingMessage } from 'node:http';

/** Bodies beyond this are refused; XIPU swallows long texts, so the limit is generous. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: 'not-json' | 'too-large' | 'aborted' };

/**
 * Reads a request body and parses it as JSON. An empty body reads as `{}` (control routes
 * such as `POST /__sim/reset` need none). Never rejects.
 */
export function readJsonBody(request: IncomingMessage): Promise<JsonBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve({ ok: false, reason: 'too-large' });
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => resolve({ ok: false, reason: 'aborted' }));
    request.on('close', () => {
      if (!request.complete) resolve({ ok: false, reason: 'aborted' });
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({ ok: true, value: {} });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        resolve({ ok: false, reason: 'not-json' });
      }
    });
  });
}
