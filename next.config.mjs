/** @type {import('next').NextConfig} */
const nextConfig = {
  // The gateway is an API: no powered-by header, no compression of SSE streams (client-compat §17).
  poweredByHeader: false,
  compress: false,
  reactStrictMode: true,
};

export default nextConfig;
