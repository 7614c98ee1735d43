/** The only routes that launch the browser: they get Chromium's compressed binaries. */
const BROWSER_ROUTES = ['/api/login', '/api/cron/keepalive', '/admin/actions/log-in'];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The gateway is an API: no powered-by header, no compression of SSE streams (client-compat §17).
  poweredByHeader: false,
  compress: false,
  reactStrictMode: true,
  // @sparticuz/chromium's bin/*.br files are not traced automatically (stack-notes).
  outputFileTracingIncludes: Object.fromEntries(
    BROWSER_ROUTES.map((route) => [route, ['./node_modules/@sparticuz/chromium/bin/**']]),
  ),
  // The admin page is never framed (its routes set the same; this covers the page itself).
  async headers() {
    return [
      {
        source: '/admin/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Robots-Tag', value: 'noindex' },
        ],
      },
    ];
  },
};

export default nextConfig;
