import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Finds the code comments that cite the repository's docs/ and checks that every cited file
 * and section exists. Citation forms in use (a heading may continue on the next comment line):
 *
 * - `docs/xipu-protocol`, `docs/xipu-protocol.md`            the file only
 * - `docs/xipu-protocol §3`, `§1, §4`, `§1–2`, `§10–12`       numbered sections
 * - `docs/client-compat item 14`                              the same as §14
 * - `docs/xipu-protocol "Common errors"`                      a heading containing that text
 * - `docs/xipu-protocol "Login" 5`, `"Login", step 5`,
 *   `"Output state machine" step 2(c)`                        a numbered step in that section
 * - `client-compat §10`, `stack-notes "Headless Chromium"`    the same without `docs/`
 *
 * A §N exists when a heading's text starts with "N." or "§N", or contains "§N".
 */

export interface HeadingReference {
  text: string;
  step?: number;
}

export interface Citation {
  /** Path relative to the scanned root. */
  file: string;
  line: number;
  /** The doc's name without `.md`. */
  doc: string;
  sections: number[];
  headings: HeadingReference[];
  /** The citation as written (for messages). */
  raw: string;
}

export interface DocOutline {
  headings: Array<{ text: string; steps: Set<number> }>;
}

/** Doc names recognised without the `docs/` prefix (hyphenated, so never ordinary words). */
export const BARE_DOC_NAMES = ['xipu-protocol', 'client-compat', 'stack-notes', 'adding-a-provider', 'adding-an-api-shape'];

const CITATION_START = new RegExp(
  String.raw`(?<![\w./-])(?:docs/([a-z0-9][a-z0-9-]*)|(${BARE_DOC_NAMES.join('|')}))(?:\.md)?(?![\w-])`,
  'g',
);
const PARENTHETICAL = /^\s*\([^()"§]*\)/;
const SEPARATOR = /^(?:\s+|,|;|:|\(|\band\b|\balso\b)+/;
const SECTION = /^§(\d+)(?:\s*[–-]\s*§?(\d+))?/;
const ITEM = /^item\s+(\d+)/;
const HEADING = /^"([^"]+)"(?:,?\s*(?:step\s+)?(\d+)(?:\([a-z]\))?(?!\w|\.\d))?/;

/**
 * The citations in one source file. Comment markers (`*`, `//`) at line starts are dropped
 * and lines joined, so a quoted heading broken over two comment lines is read whole.
 */
export function extractCitations(source: string, file: string): Citation[] {
  const lines = source.split('\n');
  let joined = '';
  const lineStarts: number[] = [];
  for (const line of lines) {
    lineStarts.push(joined.length);
    joined += line.replace(/^\s*(?:\/\*\*?|\*\/|\*|\/\/)?\s?/, '') + ' ';
  }
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };

  const citations: Citation[] = [];
  for (const match of joined.matchAll(CITATION_START)) {
    const doc = match[1] ?? match[2]!;
    const citation: Citation = { file, line: lineOf(match.index), doc, sections: [], headings: [], raw: match[0] };
    let rest = joined.slice(match.index + match[0].length);
    let consumed = match[0].length;
    for (;;) {
      const before = rest.length;
      if (citation.sections.length + citation.headings.length > 0) rest = rest.replace(PARENTHETICAL, '');
      rest = rest.replace(SEPARATOR, '');
      const section = SECTION.exec(rest);
      const item = ITEM.exec(rest);
      const heading = HEADING.exec(rest);
      if (section) {
        const from = Number(section[1]);
        const to = section[2] === undefined ? from : Number(section[2]);
        for (let number = from; number <= Math.max(from, to); number += 1) citation.sections.push(number);
        rest = rest.slice(section[0].length);
      } else if (item) {
        citation.sections.push(Number(item[1]));
        rest = rest.slice(item[0].length);
      } else if (heading) {
        citation.headings.push({ text: heading[1]!.replace(/\s+/g, ' ').trim(), ...(heading[2] ? { step: Number(heading[2]) } : {}) });
        rest = rest.slice(heading[0].length);
      } else {
        break;
      }
      consumed += before - rest.length;
    }
    citation.raw = joined.slice(match.index, match.index + consumed).replace(/[\s,;:(]+$/, '');
    citations.push(citation);
  }
  return citations;
}

/** The headings of a markdown file (outside code fences) and the numbered items under each. */
export function outlineDoc(markdown: string): DocOutline {
  const headings: DocOutline['headings'] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      headings.push({ text: heading[1]!.replace(/`/g, ''), steps: new Set() });
      continue;
    }
    const step = /^\s*(\d+)\.\s/.exec(line);
    if (step && headings.length > 0) headings[headings.length - 1]!.steps.add(Number(step[1]));
  }
  return { headings };
}

function normalize(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function hasSection(outline: DocOutline, number: number): boolean {
  const startsWith = new RegExp(String.raw`^§?${number}\.`);
  const contains = new RegExp(String.raw`§${number}(?!\d)`);
  return outline.headings.some(({ text }) => startsWith.test(text.trim()) || contains.test(text));
}

/** What is wrong with each citation, as `file:line: …` lines; empty when all exist. */
export function findCitationProblems(citations: Citation[], docs: ReadonlyMap<string, DocOutline>): string[] {
  const problems: string[] = [];
  for (const citation of citations) {
    const where = `${citation.file}:${citation.line}: ${citation.raw}`;
    const outline = docs.get(citation.doc);
    if (!outline) {
      problems.push(`${where} — docs/${citation.doc}.md does not exist`);
      continue;
    }
    for (const number of citation.sections) {
      if (!hasSection(outline, number)) problems.push(`${where} — docs/${citation.doc}.md has no section §${number}`);
    }
    for (const heading of citation.headings) {
      const matching = outline.headings.filter(({ text }) => normalize(text).includes(normalize(heading.text)));
      if (matching.length === 0) {
        problems.push(`${where} — docs/${citation.doc}.md has no heading containing "${heading.text}"`);
      } else if (heading.step !== undefined && !matching.some(({ steps }) => steps.has(heading.step!))) {
        problems.push(`${where} — docs/${citation.doc}.md "${heading.text}" has no step ${heading.step}`);
      }
    }
  }
  return problems;
}

/** Where citations are looked for, relative to the repository root. */
export const SCANNED_FOLDERS = ['lib', 'simulator', 'app', 'scripts', 'tests'];
export const SCANNED_ROOT_FILES = ['proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'vitest.config.mts'];
/** This checker and its test hold fake citations on purpose. */
const SKIPPED_FOLDERS = new Set(['node_modules', join('tests', 'docs')]);
const SOURCE_FILE = /\.(?:ts|tsx|mjs|mts)$/;

function listSources(root: string, folder: string): string[] {
  const found: string[] = [];
  const absolute = join(root, folder);
  for (const entry of readdirSync(absolute)) {
    const path = join(folder, entry);
    if (SKIPPED_FOLDERS.has(path) || entry === 'node_modules') continue;
    if (statSync(join(root, path)).isDirectory()) found.push(...listSources(root, path));
    // The one-line READMEs of lib/ and simulator/ cite docs too.
    else if (SOURCE_FILE.test(entry) || (/^(lib|simulator)\b/.test(folder) && entry === 'README.md')) found.push(path);
  }
  return found;
}

/** Reads docs/*.md of the repository. */
export function readDocs(root: string): Map<string, DocOutline> {
  const docs = new Map<string, DocOutline>();
  const folder = join(root, 'docs');
  for (const entry of readdirSync(folder)) {
    if (entry.endsWith('.md')) docs.set(basename(entry, '.md'), outlineDoc(readFileSync(join(folder, entry), 'utf8')));
  }
  return docs;
}

/** Every citation in the repository's sources, and what is wrong with them. */
export function checkCitedDocs(root: string): { citations: Citation[]; problems: string[] } {
  const files = [
    ...SCANNED_FOLDERS.flatMap((folder) => listSources(root, folder)),
    ...SCANNED_ROOT_FILES.filter((file) => {
      try {
        return statSync(join(root, file)).isFile();
      } catch {
        return false;
      }
    }),
  ];
  const citations = files.flatMap((file) => extractCitations(readFileSync(join(root, file), 'utf8'), relative(root, join(root, file))));
  return { citations, problems: findCitationProblems(citations, readDocs(root)) };
}
