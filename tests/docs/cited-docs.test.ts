import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCitedDocs, extractCitations, findCitationProblems, outlineDoc, type DocOutline } from './check-cited-docs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const FAKE_DOC = outlineDoc(
  [
    '# Fake protocol',
    '## Hosts and headers',
    '## Behaviour',
    '### 1. Sessions',
    '### 2. Flattening',
    '### 3. Pacing',
    '## Login',
    '1. open the portal',
    '2. fill the form',
    '```',
    '## Not a heading (inside a fence)',
    '```',
    '## §9 Numbered with a section sign',
  ].join('\n'),
);
const DOCS: ReadonlyMap<string, DocOutline> = new Map([['fake-protocol', FAKE_DOC]]);

function problemsOf(source: string): string[] {
  return findCitationProblems(extractCitations(source, 'lib/example.ts'), DOCS);
}

describe('the cited-docs checker', () => {
  it.each([
    ['the file only', '/** docs/fake-protocol */', [], []],
    ['with .md', '// docs/fake-protocol.md §2', [2], []],
    ['several sections', '/* (docs/fake-protocol.md §1, §3) */', [1, 3], []],
    ['a range', ' * docs/fake-protocol §1–3.', [1, 2, 3], []],
    ['an item', ' * docs/fake-protocol item 2).', [2], []],
    ['a heading', ' * docs/fake-protocol "Hosts and headers".', [], [{ text: 'Hosts and headers' }]],
    ['a heading and its step', ' * docs/fake-protocol "Login" 2.', [], [{ text: 'Login', step: 2 }]],
    ['a step spelled out', ' * (docs/fake-protocol "Login", step 1)', [], [{ text: 'Login', step: 1 }]],
    ['a section and a heading', ' * docs/fake-protocol §3 and "Login".', [3], [{ text: 'Login' }]],
  ])('reads %s', (_name, source, sections, headings) => {
    const [citation] = extractCitations(source, 'lib/example.ts');
    expect(citation).toMatchObject({ doc: 'fake-protocol', line: 1, sections, headings });
  });

  it('reads a heading broken over two comment lines, on the line the citation starts', () => {
    const source = ['/**', ' * Something — docs/fake-protocol "Hosts and', ' * headers" step 2(c).', ' */'].join('\n');
    expect(extractCitations(source, 'lib/example.ts')).toEqual([
      expect.objectContaining({ line: 2, headings: [{ text: 'Hosts and headers', step: 2 }] }),
    ]);
  });

  it('reads the bare names of the docs, and ignores URLs and longer words', () => {
    const source = "it('accepts unknown fields (client-compat §10)'); // https://vercel.com/docs/functions; client-compatibility";
    expect(extractCitations(source, 'tests/example.test.ts')).toEqual([expect.objectContaining({ doc: 'client-compat', sections: [10] })]);
  });

  it('accepts citations of what exists', () => {
    expect(
      problemsOf(
        [
          '/** docs/fake-protocol §1, §2 and "Login" 2; docs/fake-protocol.md "hosts AND headers". */',
          '// docs/fake-protocol §9',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('reports a missing section, naming file and line', () => {
    expect(problemsOf('\n/** See docs/fake-protocol §4. */')).toEqual([
      'lib/example.ts:2: docs/fake-protocol §4 — docs/fake-protocol.md has no section §4',
    ]);
  });

  it('does not take §1 for §10, nor a fenced line for a heading', () => {
    expect(problemsOf('// docs/fake-protocol §10 and "Not a heading"')).toEqual([
      'lib/example.ts:1: docs/fake-protocol §10 and "Not a heading" — docs/fake-protocol.md has no section §10',
      'lib/example.ts:1: docs/fake-protocol §10 and "Not a heading" — docs/fake-protocol.md has no heading containing "Not a heading"',
    ]);
  });

  it('reports a missing heading, a missing step and a missing file', () => {
    expect(problemsOf('// docs/fake-protocol "Common errors"')).toEqual([
      'lib/example.ts:1: docs/fake-protocol "Common errors" — docs/fake-protocol.md has no heading containing "Common errors"',
    ]);
    expect(problemsOf('// docs/fake-protocol "Login" 7')).toEqual([
      'lib/example.ts:1: docs/fake-protocol "Login" 7 — docs/fake-protocol.md "Login" has no step 7',
    ]);
    expect(problemsOf('// docs/no-such-doc §1')).toEqual(['lib/example.ts:1: docs/no-such-doc §1 — docs/no-such-doc.md does not exist']);
  });
});

describe('the repository', () => {
  const { citations, problems } = checkCitedDocs(ROOT);

  it('finds the citations in lib/, simulator/, app/, scripts/, tests/ and the root files', () => {
    // About a hundred comments cite the docs; far fewer means the scan itself broke.
    expect(citations.length).toBeGreaterThanOrEqual(100);
    for (const doc of ['xipu-protocol', 'client-compat', 'stack-notes']) {
      expect(citations.some((citation) => citation.doc === doc)).toBe(true);
    }
  });

  it('cites only docs files and sections that exist', () => {
    expect(problems).toEqual([]);
  });
});
