import type { IncomingMessage } from 'node:http';

/** A request header's value; the first one when it was sent several times. */
export function readSingleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
