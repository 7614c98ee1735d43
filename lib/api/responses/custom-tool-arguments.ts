import type { JsonSchema } from '@/lib/providers/tool-request';

/**
 * A freeform `custom` tool (Codex's `apply_patch`) is emulated as a function with one string
 * argument, `input`: the tool emulation (docs/tool-calls.md) speaks JSON arguments only. The
 * request's history goes in as `{"input": …}` and the answer's calls come back out as the raw
 * text, a `custom_tool_call` item: answered as a `function_call`, Codex would not apply the patch.
 */
export function customToolParameters(): JsonSchema {
  return { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] };
}

/** A custom call's raw input as the emulated arguments. */
export function toCustomToolArguments(input: string): string {
  return JSON.stringify({ input });
}

/**
 * The raw input back out of the emulated arguments. The pipeline validated them against
 * customToolParameters(), so `input` is a string; anything else is passed on as the text itself.
 */
export function fromCustomToolArguments(argumentsJson: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string') {
      return (parsed as { input: string }).input;
    }
  } catch {
    // fall through: not JSON
  }
  return argumentsJson;
}
