/**
 * A call's arguments (JSON text from the pipeline, validated there) as `tool_use.input`, which
 * must be an object; anything else (never expected) becomes `{}` rather than a broken block.
 */
export function parseToolInput(argumentsText: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText === '' ? '{}' : argumentsText);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
