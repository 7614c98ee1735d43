/**
 * MODEL_ALIASES: model ids clients ask for that the upstream does not have, mapped to ones it
 * has. Claude Code asks for `claude-sonnet-4-…`, `claude-opus-…` and `claude-haiku-…` ids;
 * XIPU serves Claude 3.7 Sonnet. The client still sees its own id in
 * the answer's `model`: only routing and the upstream call use the target.
 */

/** One `pattern=target` entry; `*` in the pattern matches any run of characters. */
export interface ModelAlias {
  pattern: string;
  target: string;
}

/** Tried after the user's entries, so MODEL_ALIASES can override each. */
export const BUILT_IN_MODEL_ALIASES: readonly ModelAlias[] = Object.freeze([
  { pattern: 'claude-*sonnet*', target: 'claude-3-7-sonnet-20250219' },
  { pattern: 'claude-*opus*', target: 'claude-3-7-sonnet-20250219' },
  { pattern: 'claude-*haiku*', target: 'gpt-4.1-nano' },
]);

/**
 * Parses the comma-separated entries of MODEL_ALIASES (empty entries are skipped).
 *
 * @returns the entries in order, or the problem with the first bad one (no `=`, an empty
 *   side) as a message that does not echo other entries.
 */
export function parseModelAliases(value: string): { ok: true; aliases: ModelAlias[] } | { ok: false; message: string } {
  const aliases: ModelAlias[] = [];
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf('=');
    const pattern = separator === -1 ? '' : entry.slice(0, separator).trim();
    const target = separator === -1 ? '' : entry.slice(separator + 1).trim();
    if (pattern === '' || target === '' || target.includes('*')) {
      return { ok: false, message: `entry ${index + 1} must be pattern=target (a model id without '*' after the '=')` };
    }
    aliases.push({ pattern, target });
  }
  return { ok: true, aliases };
}

/**
 * The model id to route and send upstream for `model`: the target of the first entry whose
 * pattern matches the whole id (case-sensitive), else `model` itself.
 */
export function resolveModelAlias(aliases: readonly ModelAlias[], model: string): string {
  for (const alias of aliases) {
    if (patternToRegExp(alias.pattern).test(model)) return alias.target;
  }
  return model;
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}
