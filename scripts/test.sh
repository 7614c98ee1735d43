#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine and runs every test.
# The README's test command; .ci/run calls it too.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The login tests drive a real headless Chromium (Debian's; puppeteer-core brings none).
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npx tsc --noEmit
# One build serves both: `vercel build` (offline, reusing node_modules) runs `next build`,
# whose .next the client-compatibility and multi-process tests `next start`, then packs
# Vercel's functions, which the check holds to scripts/vercel-build/function-plan.ts.
npx tsx scripts/check-vercel-build.ts
# Per-route traces: the browser stays out of every /v1 route's own bundle.
npx tsx scripts/check-bundles.ts
npx vitest run "$@"
