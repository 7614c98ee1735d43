// @ts-check
/**
 * The import rules of the gateway (docs/architecture.md "Layers"), checked by
 * tests/architecture/dependency-rules.test.ts (and `npx depcruise lib simulator app proxy.ts
 * instrumentation.ts scripts`).
 *
 * - No import cycles, between files or (through the layer order) between folders.
 * - LAYERS, lowest first, is the one written order: a module imports only from its own layer
 *   or a lower one. Folders that share a layer are independent: they do not import each other.
 * - Type-only imports count (`tsPreCompilationDeps`): a type a lower layer needs from a
 *   higher one is a dependency all the same; it belongs to the lower layer, which is where
 *   such types were moved.
 * - The simulator (`simulator/`) is a separate program. Of lib/ it imports only the two
 *   modules in SIMULATOR_USES_FROM_LIB; of lib/, app/, proxy.ts and instrumentation.ts only
 *   demo mode (lib/gateway/start-demo-upstream.ts) imports it. Its place in LAYERS is just
 *   above the highest layer it uses (lib/auth).
 * - Chromium (puppeteer-core, @sparticuz/chromium, lib/xipu/browser-login, the login that loads
 *   it) is reachable only from the browser routes (scripts/vercel-build/function-plan.ts
 *   BROWSER_ROUTES) and `scripts/login.ts`.
 */

/** Lowest first. Each entry: a layer's name and its folders (paths from the repository root). */
const LAYERS = [
  { name: 'foundations', folders: ['lib/errors', 'lib/log', 'lib/config', 'lib/sse'] },
  { name: 'outbound HTTP', folders: ['lib/outbound'] },
  { name: 'store', folders: ['lib/store'] },
  { name: 'pacing', folders: ['lib/pacing'] },
  // Managed client keys (docs/keys.md): records, lookup by hash, quota and usage counters.
  { name: 'managed keys', folders: ['lib/keys'] },
  { name: 'client policy', folders: ['lib/auth'] },
  { name: 'simulator', folders: ['simulator'] },
  { name: 'provider interface', folders: ['lib/providers/*.ts'] },
  { name: 'tool emulation', folders: ['lib/tools'] },
  { name: 'chat pipeline', folders: ['lib/chat'] },
  { name: 'OpenAI-shaped APIs, shared', folders: ['lib/api/openai'] },
  // One folder per API shape (Responses, Anthropic Messages, legacy Completions join it): independent of each other.
  { name: 'API shapes', folders: ['lib/api/chat-completions', 'lib/api/completions', 'lib/api/responses', 'lib/api/anthropic-messages'] },
  // Load shared between the endpoints of one model (workers, UPSTREAMS): in flight, cooldown (docs/workers.md).
  { name: 'balancing', folders: ['lib/balancing'] },
  // The providers besides XIPU (docs/providers.md): independent of each other and of XIPU.
  { name: 'other providers', folders: ['lib/openai-compatible', 'lib/mock', 'lib/aichats'] },
  // The worker registry: OpenAI-compatible servers that register themselves (docs/workers.md).
  { name: 'worker registry', folders: ['lib/workers'] },
  // XIPU's home, lib/xipu/: everything that knows the upstream, lowest first.
  { name: 'XIPU account', folders: ['lib/xipu/account'] },
  { name: 'XIPU API', folders: ['lib/xipu/api'] },
  { name: 'XIPU sessions', folders: ['lib/xipu/sessions'] },
  { name: 'XIPU provider', folders: ['lib/xipu/provider'] },
  { name: 'XIPU browser login', folders: ['lib/xipu/browser-login'] },
  { name: 'XIPU credentials', folders: ['lib/xipu/credentials'] },
  { name: 'XIPU keep-alive', folders: ['lib/xipu/keepalive'] },
  { name: 'XIPU health', folders: ['lib/xipu/health'] },
  { name: 'XIPU account wiring', folders: ['lib/xipu/*.ts'] },
  { name: 'wiring', folders: ['lib/gateway'] },
  { name: 'route wrapper', folders: ['lib/http'] },
  { name: 'metrics', folders: ['lib/metrics'] },
  { name: 'health', folders: ['lib/health'] },
  // The /admin page's logic, lowest first (each lib/admin folder listed: 'lib/admin' would match them all).
  { name: 'admin access and context', folders: ['lib/admin/access', 'lib/admin/context'] },
  { name: 'admin view', folders: ['lib/admin/view'] },
  { name: 'admin actions', folders: ['lib/admin/actions'] },
  { name: 'admin routes', folders: ['lib/admin/routes'] },
  { name: 'handlers', folders: ['lib/handlers'] },
  { name: 'entry points', folders: ['app', 'proxy.ts', 'instrumentation.ts', 'scripts'] },
];

/** The one module of the gateway that starts the simulator (demo mode). */
const DEMO_MODE = 'lib/gateway/start-demo-upstream.ts';
/** All the simulator takes from lib/: a log line and a constant-time comparison. */
const SIMULATOR_USES_FROM_LIB = ['lib/log/log-event.ts', 'lib/auth/timing-safe-equal.ts'];

/** The routes that log in with Chromium, and the CLI that does. */
const BROWSER_ENTRIES = [
  'app/api/login/route.ts',
  'app/api/cron/keepalive/route.ts',
  'app/admin/actions/log-in/route.ts',
  'scripts/login.ts',
];

/** What Next (or `tsx`) loads first: every bundle starts at one of these. */
const ENTRY_POINTS = '^app/(route|page|layout)\\.tsx?$|^app/.*/(route|page|layout)\\.tsx?$|^(proxy|instrumentation)\\.ts$|^scripts/[^/]+\\.ts$';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `lib/x` → the folder and everything below it; `lib/x/*.ts` → files directly in it; `a.ts` → that file. */
function folderPattern(folder) {
  if (folder.endsWith('/*.ts')) return `^${escape(folder.slice(0, -'/*.ts'.length))}/[^/]+\\.tsx?$`;
  if (/\.tsx?$/.test(folder)) return `^${escape(folder)}$`;
  return `^${escape(folder)}/`;
}
const anyOf = (folders) => folders.map(folderPattern).join('|');
const ALL_LAYERED = anyOf(LAYERS.flatMap((layer) => layer.folders));

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-order: ${layer.name}`,
  comment: `${layer.name} (${layer.folders.join(', ')}) may import only its own or a lower layer (LAYERS in .dependency-cruiser.cjs, docs/architecture.md "Layers")`,
  severity: 'error',
  from: { path: anyOf(layer.folders) },
  to: { path: anyOf(LAYERS.slice(index + 1).flatMap((higher) => higher.folders)) },
}));

const siblingRules = LAYERS.filter((layer) => layer.folders.length > 1).flatMap((layer) =>
  layer.folders.map((folder) => ({
    name: `layer-siblings: ${folder}`,
    comment: `the folders of the layer '${layer.name}' do not import each other`,
    severity: 'error',
    from: { path: folderPattern(folder) },
    to: { path: anyOf(layer.folders.filter((other) => other !== folder)) },
  })),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: move what both sides need to the lower one',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    ...siblingRules,
    {
      name: 'layer-unknown',
      comment: 'every lib/ folder has a place in LAYERS (.dependency-cruiser.cjs) and in docs/architecture.md "Layers"',
      severity: 'error',
      from: { path: '^lib/', pathNot: ALL_LAYERED },
      to: {},
    },
    {
      name: 'layer-unknown-target',
      comment: 'every lib/ folder has a place in LAYERS (.dependency-cruiser.cjs) and in docs/architecture.md "Layers"',
      severity: 'error',
      from: {},
      to: { path: '^lib/', pathNot: ALL_LAYERED },
    },
    {
      name: 'simulator-imports-little-of-lib',
      comment: `the simulator is a separate program: of lib/ it imports only ${SIMULATOR_USES_FROM_LIB.join(' and ')}`,
      severity: 'error',
      from: { path: '^simulator/' },
      to: { path: '^lib/', pathNot: `^(${SIMULATOR_USES_FROM_LIB.map(escape).join('|')})$` },
    },
    {
      name: 'simulator-only-from-demo-mode',
      comment: `the simulator is a separate program: in lib/, app/, proxy.ts and instrumentation.ts only ${DEMO_MODE} imports it (scripts/ and tests/ may)`,
      severity: 'error',
      from: { path: '^(lib|app)/|^(proxy|instrumentation)\\.ts$', pathNot: `^${escape(DEMO_MODE)}$` },
      to: { path: '^simulator/' },
    },
    {
      name: 'browser-packages-only-in-browser-login',
      comment: 'puppeteer-core and @sparticuz/chromium are imported by lib/xipu/browser-login only',
      severity: 'error',
      from: { pathNot: '^lib/xipu/browser-login/' },
      to: { path: 'node_modules/(puppeteer-core|@sparticuz/chromium)/' },
    },
    {
      name: 'browser-only-from-browser-routes',
      comment:
        'Chromium is reachable only from the browser routes (BROWSER_ROUTES) and scripts/login.ts, so no other bundle traces it. ' +
        'lib/xipu/browser-login/browser-login-error.ts (the step names and the error class, no browser) is the one exception: the admin page lists the steps.',
      severity: 'error',
      // From every entry point Next or a CLI starts: route files, pages, layouts, proxy, instrumentation, scripts.
      from: { path: ENTRY_POINTS, pathNot: `^(${BROWSER_ENTRIES.map(escape).join('|')})$` },
      to: {
        path: 'node_modules/(puppeteer-core|@sparticuz/chromium)/|^lib/xipu/browser-login/|^lib/xipu/credentials/create-browser-login\\.ts$',
        pathNot: '^lib/xipu/browser-login/browser-login-error\\.ts$',
        reachable: true,
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import the cruiser cannot resolve would escape every rule above',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.next|\\.vercel|node_modules|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
