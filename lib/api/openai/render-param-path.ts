/**
 * Renders a value's path the way OpenAI names parameters: `messages[0].content[1].text`.
 */
export function renderParamPath(path: readonly PropertyKey[]): string {
  let rendered = '';
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`;
    else rendered += rendered === '' ? String(segment) : `.${String(segment)}`;
  }
  return rendered;
}
