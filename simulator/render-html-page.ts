/** A little styling so screenshots of failed logins are readable; no external assets. */
const PAGE_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1f2328}',
  'input,textarea,button{font:inherit}',
  'label{display:inline-block;min-width:6rem}',
  '#errormsg{color:#b42318;margin:1rem 0}',
].join('');

/**
 * A whole HTML document: doctype, UTF-8, title, the body markup as given and an optional
 * inline script at the end of the body (so it runs once the markup exists).
 *
 * @param page.body trusted markup; escape every value in it with `escapeHtml`.
 */
export function renderHtmlPage(page: { title: string; body: string; script?: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    page.body,
    ...(page.script === undefined ? [] : [`<script>\n${page.script}\n</script>`]),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Escapes text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A value as a JavaScript literal safe inside an inline `<script>` (no `</script>` can appear). */
export function toScriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
