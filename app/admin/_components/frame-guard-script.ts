/**
 * Hides the page when another site frames it (clickjacking: an open local page has no
 * cookie to protect it). Belt and braces: a sandboxed frame, where this cannot run, posts
 * with `Origin: null`, which every action refuses. A `frame-ancestors` header would be
 * better still, but a page cannot set headers (next.config.mjs headers() could).
 */
export const FRAME_GUARD_SCRIPT = "if (window.top !== window.self) { document.documentElement.style.display = 'none'; }";
