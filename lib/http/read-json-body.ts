import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';

/**
 * Reads a JSON request body, refusing before parsing when it is too large (413) or not
 * JSON (400). Never throws anything but a GatewayError.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  if (contentType && !/json/i.test(contentType)) {
    throw invalidRequest(`Expected a JSON body (Content-Type: application/json), got "${contentType.slice(0, 80)}".`, null, 'invalid_content_type');
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder().decode(concat(chunks, total));
  if (!text.trim()) throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(`The request body is larger than ${maxBytes} bytes (MAX_REQUEST_BYTES).`, {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    retryable: false,
  });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
