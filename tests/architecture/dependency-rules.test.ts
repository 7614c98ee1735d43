import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/**
 * The import rules of .dependency-cruiser.cjs (docs/architecture.md "Layers"): no cycles, no
 * import from a lower layer into a higher one, the simulator apart from the gateway, Chromium
 * only behind the browser routes.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/violations/', import.meta.url));
const CHECKED = ['lib', 'simulator', 'app', 'proxy.ts', 'instrumentation.ts', 'scripts'];

async function cruiseWithRules(paths: string[], baseDir: string, withTsConfig: boolean): Promise<ICruiseResult> {
  const options: ICruiseOptions = await extractDepcruiseOptions(`${root}.dependency-cruiser.cjs`);
  const tsConfig = withTsConfig ? { fileName: `${root}tsconfig.json` } : undefined;
  const { output } = await cruise(
    paths,
    { ...options, baseDir, tsConfig },
    undefined,
    { tsConfig: tsConfig && extractTSConfig(tsConfig.fileName) },
  );
  if (typeof output === 'string') throw new Error('expected a cruise result, got a report');
  return output;
}

function describeViolation(violation: IViolation): string {
  const via = violation.cycle?.map((step) => step.name).join(' → ') ?? violation.via?.map((step) => step.name).join(' → ');
  return `${violation.rule.name}: ${violation.from} → ${violation.to}${via ? ` (via ${via})` : ''}`;
}

describe('dependency rules', () => {
  it('hold for lib/, simulator/, app/, proxy.ts, instrumentation.ts and scripts/', async () => {
    const result = await cruiseWithRules(CHECKED, root, true);
    // Resolution works (the '@/' paths of tsconfig): otherwise the rules would see nothing.
    const deps = result.modules.flatMap((module) => module.dependencies);
    expect(deps.filter((dep) => dep.dependencyTypes.includes('aliased-tsconfig-paths')).length).toBeGreaterThan(200);
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  });

  it('can fail: a cycle, an upward import and an import of the simulator are all reported', async () => {
    const result = await cruiseWithRules(['lib', 'simulator'], fixtures, false);
    const found = result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'layer-order: store: lib/store/read-plan.ts → lib/chat/plan-chat.ts',
        'simulator-imports-little-of-lib: simulator/fake-upstream.ts → lib/chat/shape-chat.ts',
        'simulator-only-from-demo-mode: lib/store/start-fake-upstream.ts → simulator/fake-upstream.ts',
        expect.stringMatching(/^no-circular: lib\/chat\/(plan|shape)-chat\.ts → lib\/chat\/(shape|plan)-chat\.ts$/),
      ]),
    );
  });
});
