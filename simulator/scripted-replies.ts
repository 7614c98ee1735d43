import { z } from 'zod';

/** What a scripted reply matches: a substring of the prompt, or a regular expression (no flags). */
export type ScriptMatch = string | { regex: string };

/**
 * A canned answer for the prompts that match: how a test makes the simulated model answer
 * a prompt it cannot edit (a tool prompt the gateway wrote, a re-ask), with a tool-call text
 * for instance. `times` limits it to the first N matching prompts (absent: every one), so a
 * test can answer one prompt twice differently.
 */
export interface ScriptedReply {
  match: ScriptMatch;
  /** The answer, exactly (no `\n` unescaping: JSON carries real newlines). */
  reply: string;
  times?: number;
}

/** A script with how often it has answered since it was set or the last reset. */
export interface ScriptedReplyState {
  match: ScriptMatch;
  reply: string;
  /** Null: no limit. */
  times: number | null;
  used: number;
}

/** A pattern that does not compile; null when it does. */
function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** One script as the control route and `setScriptedReplies` accept it. */
export const scriptedReplySchema = z
  .object({
    match: z.union([
      z.string().min(1),
      z
        .object({ regex: z.string().min(1) })
        .strict()
        .refine((value) => regexProblem(value.regex) === null, { message: 'regex does not compile' }),
    ]),
    reply: z.string(),
    times: z.number().int().min(1).optional(),
  })
  .strict();

/** The simulator's scripts, in order, with their uses. */
export interface ScriptedReplies {
  /** The reply of the first script that matches `prompt` and has uses left, counting the use; else null. */
  take(prompt: string): string | null;
  /** Replaces every script; uses start at 0. @throws RangeError for a regex that does not compile. */
  replace(scripts: readonly ScriptedReply[]): void;
  /** Uses back to 0, scripts kept (the simulator's reset). */
  resetUses(): void;
  list(): ScriptedReplyState[];
}

interface CompiledScript {
  script: ScriptedReply;
  matches: (prompt: string) => boolean;
  used: number;
}

function compile(script: ScriptedReply): CompiledScript {
  const { match } = script;
  if (typeof match === 'string') return { script, matches: (prompt) => prompt.includes(match), used: 0 };
  const problem = regexProblem(match.regex);
  if (problem !== null) throw new RangeError(`scripted reply regex ${JSON.stringify(match.regex)}: ${problem}`);
  const pattern = new RegExp(match.regex);
  return { script, matches: (prompt) => pattern.test(prompt), used: 0 };
}

/**
 * Holds the scripts of one simulator. Checked against the whole prompt text, first match
 * wins; an exhausted script (`times` reached) is skipped, so the next matching one answers.
 *
 * @throws RangeError for a regex that does not compile.
 */
export function createScriptedReplies(initial: readonly ScriptedReply[] = []): ScriptedReplies {
  let scripts = initial.map(compile);
  return {
    take(prompt) {
      const script = scripts.find((entry) => (entry.script.times === undefined || entry.used < entry.script.times) && entry.matches(prompt));
      if (script === undefined) return null;
      script.used += 1;
      return script.script.reply;
    },
    replace(next) {
      scripts = next.map(compile);
    },
    resetUses() {
      for (const script of scripts) script.used = 0;
    },
    list() {
      return scripts.map(({ script, used }) => ({
        match: typeof script.match === 'string' ? script.match : { regex: script.match.regex },
        reply: script.reply,
        times: script.times ?? null,
        used,
      }));
    },
  };
}
