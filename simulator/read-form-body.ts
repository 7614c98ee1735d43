import type { IncomingMessage } from 'node:http';

/** A login form is a few short fields; anything larger is not one. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Reads an `application/x-www-form-urlencoded` body. Never rejects.
 *
 * @returns the fields, or null when the body was too large or the client went away.
 */
export function readFormBody(request: IncomingMessage): Promise<URLSearchParams | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        resolve(null);
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => resolve(null));
    request.on('close', () => {
      if (!request.complete) resolve(null);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
  });
}
