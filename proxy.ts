import { rejectMalformedPath } from '@/lib/http/reject-malformed-path';

/**
 * Next.js 16's proxy (formerly middleware): the only project code that runs before Next
 * decodes a dynamic route's path, so the one place that can answer malformed percent-encoding
 * with OpenAI error JSON instead of Next's bare 500 (lib/http/reject-malformed-path.ts).
 * Returning nothing lets the request through unchanged.
 */
export function proxy(request: Request): Response | undefined {
  return rejectMalformedPath(request);
}

export const config = {
  // Only paths containing '%' can be malformed: every other request (nearly all of them)
  // never enters the proxy. Next tests the matcher against the raw and the decoded path.
  matcher: '/(.*%.*)',
};
