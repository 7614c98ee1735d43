/**
 * How the simulated school filter treats a prompt — docs/xipu-protocol §7:
 * - `request-error`: broken markup (`<![CDATA[`) → a plain `Request Err!` body;
 * - `banned`: a word of the banned list (case-insensitive) → HTTP 200 with an empty stream;
 * - `poisonous`: a local `file:///` path → the canned refusal;
 * - `ordinary`: answered normally.
 * When several apply, the first in this list wins.
 */
export type PromptClass = 'request-error' | 'banned' | 'poisonous' | 'ordinary';

/** Markup that makes XIPU answer `Request Err!`. */
const BROKEN_MARKUP = '<![CDATA[';
/** Local paths make XIPU answer its canned refusal. */
const LOCAL_FILE_URL = 'file:///';

/** Classifies the prompt text of a completions call. */
export function classifyPrompt(text: string, bannedWords: readonly string[]): PromptClass {
  if (text.includes(BROKEN_MARKUP)) return 'request-error';
  const lowered = text.toLowerCase();
  if (bannedWords.some((word) => word !== '' && lowered.includes(word.toLowerCase()))) return 'banned';
  if (text.includes(LOCAL_FILE_URL)) return 'poisonous';
  return 'ordinary';
}
