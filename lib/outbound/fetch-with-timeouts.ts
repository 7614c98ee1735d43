import { GatewayError } from '@/lib/errors/gateway-error';

export interface TimeoutOptions {
  /** Longest wait for the response headers. */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks (not a total: long answers are legitimate). */
  idleTimeoutMs: number;
  /** The client's disconnect; aborts the call. */
  signal?: AbortSignal;
  /** Names the upstream in timeout messages. */
  upstreamName: string;
  fetch?: typeof fetch;
}

/**
 * `fetch` bounded by a first-byte timeout and an idle timeout on the body. Every upstream
 * call goes through it (on Vercel a disconnected client does not always stop the function:
 * vercel/next.js#77786). A timeout rejects, or errors the body, with a 504 GatewayError and
 * aborts the connection; `abort()` closes it at any time.
 */
export async function fetchWithTimeouts(
  url: string,
  init: RequestInit,
  options: TimeoutOptions,
): Promise<{ response: Response; abort: (reason?: unknown) => void }> {
  const controller = new AbortController();
  const abort = (reason?: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onClientAbort = () => abort(options.signal?.reason);
  if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Aborted', 'AbortError');
  options.signal?.addEventListener('abort', onClientAbort, { once: true });

  const firstByteTimer = setTimeout(
    () => abort(timeoutError(`${options.upstreamName} did not answer within ${options.firstByteTimeoutMs} ms.`)),
    options.firstByteTimeoutMs,
  );
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { ...init, signal: controller.signal });
  } catch (error) {
    options.signal?.removeEventListener('abort', onClientAbort);
    throw controller.signal.aborted ? controller.signal.reason : networkError(options.upstreamName, error);
  } finally {
    clearTimeout(firstByteTimer);
  }

  if (!response.body) {
    options.signal?.removeEventListener('abort', onClientAbort);
    return { response, abort };
  }

  const wrapped = new Response(watchIdleTime(response.body, options, abort), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  controller.signal.addEventListener('abort', () => options.signal?.removeEventListener('abort', onClientAbort), { once: true });
  return { response: wrapped, abort };
}

/**
 * Passes the body through, erroring it (and aborting the call) after `idleTimeoutMs` without
 * a chunk. A pull-based stream, so the consumer's cancel reaches the connection and the timer.
 */
function watchIdleTime(
  body: ReadableStream<Uint8Array>,
  options: TimeoutOptions,
  abort: (reason?: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      clearTimeout(idleTimer);
      const timedOut = new Promise<never>((_, reject) => {
        idleTimer = setTimeout(
          () => reject(timeoutError(`${options.upstreamName} sent nothing for ${options.idleTimeoutMs} ms.`)),
          options.idleTimeoutMs,
        );
      });
      try {
        const { done, value } = await Promise.race([reader.read(), timedOut]);
        clearTimeout(idleTimer);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        clearTimeout(idleTimer);
        abort(error);
        reader.cancel(error).catch(() => undefined);
        controller.error(error);
      }
    },
    cancel(reason) {
      clearTimeout(idleTimer);
      abort(reason);
      return reader.cancel(reason).catch(() => undefined);
    },
  });
}

function timeoutError(message: string): GatewayError {
  return new GatewayError(message, { status: 504, type: 'upstream_error', code: 'upstream_timeout', retryable: true });
}

function networkError(upstreamName: string, cause: unknown): GatewayError {
  return new GatewayError(`${upstreamName} could not be reached.`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_unreachable',
    retryable: true,
    cause,
  });
}
