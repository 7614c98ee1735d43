/** What a reply depends on: the prompt, the session's model and its history. */
export interface ReplyRequest {
  text: string;
  model: string;
  /** Turns the session had before this one (the server feeds them to the model). */
  earlierTurns: number;
  /** A scripted reply that matched the prompt (scripted-replies.ts): the answer, over SIM-REPLY and SIM-LONG. */
  scriptedReply?: string | null;
}

export interface GeneratedReply {
  /** Everything to stream: the `<think>` block for reasoning models, then the answer. */
  text: string;
  /** The answer alone. */
  answer: string;
  /** Per-piece delay asked for with `SIM-DELAY:`, else null. */
  pieceDelayMs: number | null;
}

/** Directive lines test code puts in a prompt; the last occurrence wins. */
const DIRECTIVE_LINE = /^\s*SIM-(REPLY|LONG|DELAY):(.*)$/;
/** Upper bounds that keep a typo from streaming for hours. */
const MAX_LONG_WORDS = 200_000;
const MAX_DELAY_MS = 60_000;
/** The echo quotes at most this many code points of the last line. */
const ECHO_LIMIT = 80;
/** SIM-LONG vocabulary, Chinese mixed in so long streams carry multi-byte text. */
const LONG_WORDS = ['stream', '你好', 'gateway', 'token', '世界', 'session', 'piece', '测试', 'answer', 'model', '数据', 'delta'] as const;
/** Every this-many SIM-LONG words one is numbered, so a lost or doubled piece shows. */
const LONG_MARKER_EVERY = 10;

/**
 * The simulated model: a deterministic reply to a prompt.
 *
 * - a scripted reply that matched the prompt → exactly that text (the directives below do not
 *   change it, except `SIM-DELAY`);
 * - `SIM-REPLY: <text>` → exactly that text (a literal `\n` in it becomes a newline);
 * - `SIM-LONG: <n>` → n deterministic words, some Chinese;
 * - `SIM-DELAY: <ms>` → per-piece delay for this reply (combines with the others);
 * - otherwise `好的! You said: <last non-empty line, ≤ 80 code points>`, plus ` (turn N)` when
 *   the session had earlier turns, so a gateway that reuses sessions can be caught.
 *
 * Reasoning models (any id containing `r1`, case-insensitive: `DeepSeek-R1`, `DeepseekR1联网`)
 * prefix a `<think>` block — docs/xipu-protocol §8.
 */
export function generateReply(request: ReplyRequest): GeneratedReply {
  const lines = request.text.split('\n').map((line) => line.replace(/\r$/, ''));
  let content: { kind: 'reply'; text: string } | { kind: 'long'; words: number } | null = null;
  let pieceDelayMs: number | null = null;
  const plainLines: string[] = [];

  for (const line of lines) {
    const match = DIRECTIVE_LINE.exec(line);
    if (match === null) {
      plainLines.push(line);
      continue;
    }
    const [, name, rawValue = ''] = match;
    const value = rawValue.startsWith(' ') ? rawValue.slice(1) : rawValue;
    if (name === 'REPLY') content = { kind: 'reply', text: value.replaceAll('\\n', '\n') };
    const number = Number.parseInt(value.trim(), 10);
    if (!Number.isFinite(number) || number < 0) continue;
    if (name === 'LONG') content = { kind: 'long', words: Math.min(number, MAX_LONG_WORDS) };
    if (name === 'DELAY') pieceDelayMs = Math.min(number, MAX_DELAY_MS);
  }

  let answer: string;
  if (request.scriptedReply !== undefined && request.scriptedReply !== null) answer = request.scriptedReply;
  else if (content?.kind === 'reply') answer = content.text;
  else if (content?.kind === 'long') answer = longWords(content.words);
  else answer = echo(plainLines, request.earlierTurns);

  const text = isReasoningModel(request.model) ? `<think>\n${reasoningSentence(request.text)}\n</think>\n\n${answer}` : answer;
  return { text, answer, pieceDelayMs };
}

/** Whether the model streams its reasoning inline. */
export function isReasoningModel(model: string): boolean {
  return /r1/i.test(model);
}

function echo(plainLines: readonly string[], earlierTurns: number): string {
  const lastLine = [...plainLines].reverse().find((line) => line.trim() !== '')?.trim() ?? '';
  const quoted = Array.from(lastLine).slice(0, ECHO_LIMIT).join('');
  const turn = earlierTurns > 0 ? ` (turn ${earlierTurns + 1})` : '';
  return `好的! You said: ${quoted}${turn}`;
}

function longWords(count: number): string {
  const words: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const numbered = (index + 1) % LONG_MARKER_EVERY === 0;
    words.push(numbered ? `#${index + 1}` : (LONG_WORDS[(index * 5 + 3) % LONG_WORDS.length] ?? 'word'));
  }
  return words.join(' ');
}

function reasoningSentence(text: string): string {
  const lineCount = text.split('\n').length;
  const characterCount = Array.from(text).length;
  return `The user sent ${lineCount} line(s), ${characterCount} characters; 我先想一想, then answer plainly.`;
}
