import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * XIPU lives in lib/xipu/ (docs/architecture.md "XIPU's home"): outside it, no module names
 * a XIPU endpoint, request header or store key. Comments may (they cite the protocol).
 */
const ROOT = path.resolve(__dirname, '../..');

/** What only XIPU's home may name, in code (string literals and identifiers alike). */
const XIPU_NAMES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a XIPU endpoint', pattern: /\b(saveSession|delSession|sf_request_type)\b|\/completions\?/ },
  { what: 'a XIPU request header', pattern: /['"`](jm-token|sdp-app-session)['"`]/ },
  { what: "a XIPU account's store key", pattern: /xipu-gw:(pacer|sessions|credentials|heartbeat|login|keepalive|sweep)\b|\bxipuAccountKeys\b|\.keys\.(credentials|loginLock|heartbeat\w*|upstreamSessions|pacerSchedule)\b/ },
];

/** Places that name XIPU by design, with why. */
const ALLOWED: Record<string, string> = {
  // The one place the environment is read: XIPU_API_BASE's default is the real API host.
  'lib/config/env.ts': 'configuration',
  // The admin page tells the owner which request headers to copy from the browser.
  'app/admin/_components/credentials-panel.tsx': 'instructions to the owner',
};

function sourceFiles(relative: string): string[] {
  const absolute = path.join(ROOT, relative);
  if (statSync(absolute).isFile()) return [relative];
  return readdirSync(absolute).flatMap((name) => {
    const child = path.posix.join(relative, name);
    if (statSync(path.join(ROOT, child)).isDirectory()) return sourceFiles(child);
    return /\.tsx?$/.test(name) ? [child] : [];
  });
}

/** The code without its comments (line and block), so citations of the protocol pass. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function findXipuNames(files: string[], read: (file: string) => string): string[] {
  return files.flatMap((file) => {
    if (ALLOWED[file]) return [];
    const code = withoutComments(read(file));
    return XIPU_NAMES.filter(({ pattern }) => pattern.test(code)).map(({ what }) => `${file} names ${what}`);
  });
}

describe("XIPU's home", () => {
  const outside = ['lib', 'app', 'proxy.ts', 'instrumentation.ts'].flatMap(sourceFiles).filter((file) => !file.startsWith('lib/xipu/'));

  it('is the only place in lib/ and app/ that names a XIPU endpoint, header or store key', () => {
    expect(outside.length).toBeGreaterThan(50);
    expect(findXipuNames(outside, (file) => readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('finds such a name when a module outside the home has one (the check can fail)', () => {
    const planted: Record<string, string> = {
      'lib/chat/planted.ts': "// saveSession is fine in a comment\nconst url = `${base}/saveSession?sf_request_type=ajax`;",
      'lib/admin/planted.ts': "headers['jm-token'] = token;",
      'lib/health/planted.ts': "await store.get('xipu-gw:credentials');",
      'lib/metrics/planted.ts': '/* delSession, jm-token, xipu-gw:pacer: only comments */ export const ok = 1;',
    };
    expect(findXipuNames(Object.keys(planted), (file) => planted[file]!)).toEqual([
      'lib/chat/planted.ts names a XIPU endpoint',
      'lib/admin/planted.ts names a XIPU request header',
      "lib/health/planted.ts names a XIPU account's store key",
    ]);
  });
});
