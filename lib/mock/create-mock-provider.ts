import { createHash } from 'node:crypto';
import type { ChatProvider, ChatRequest, ChatStreamPart, EmbeddingsResult, ModelCard } from '@/lib/providers/chat-provider';
import type { JsonSchema } from '@/lib/providers/tool-request';
import { countTokens } from '@/lib/chat/count-tokens';

/** The model id the mock lists and answers. */
export const MOCK_MODEL_ID = 'mock';
/** Pieces the answer is streamed in, so a client's streaming path is exercised. */
const PIECE_LENGTH = 12;
/** The quoted message is cut here: the answer stays short. */
const QUOTE_LENGTH = 80;
/** Floats per embedding vector. */
const EMBEDDING_SIZE = 8;
const MODEL_LIST_CREATED = 1_735_689_600;

/**
 * The template's mock model (docs/upstreams.md "The mock model"): `mock` answers at once with
 * a deterministic text that names the model and quotes the last user message, streamed in
 * pieces, with usage — no upstream call, no store command. Tools are native: when the request
 * forces a call (`tool_choice` required or a named function) it calls that tool (or the
 * first) with arguments built from the schema's required properties; otherwise it answers in
 * text. Embeddings are 8 floats from a hash of each input. Every API shape reaches it, so a
 * client's setup can be checked without an account.
 */
export function createMockProvider(): ChatProvider {
  return {
    id: 'mock',
    native: { tools: true, responseFormat: true },
    listModels(): ModelCard[] {
      return [{ id: MOCK_MODEL_ID, ownedBy: 'mock', created: MODEL_LIST_CREATED }];
    },
    async streamChat(request) {
      const parts = mockAnswer(request);
      return new ReadableStream<ChatStreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
    },
    async embed(request): Promise<EmbeddingsResult> {
      const inputs = request.input.map((item) => (typeof item === 'string' ? item : item.join(' ')));
      const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
      return {
        data: inputs.map((text, index) => ({ index, embedding: vectorOf(text) })),
        usage: { promptTokens: tokens, totalTokens: tokens },
      };
    },
  };
}

/** The whole answer of the mock to `request`, as stream parts. */
export function mockAnswer(request: ChatRequest): ChatStreamPart[] {
  const promptTokens = countTokens(request.messages.map((message) => message.content).join('\n'));
  const forced = request.tools && request.tools.choice.mode !== 'auto' ? request.tools : undefined;
  if (forced && forced.tools.length > 0) {
    const name = forced.choice.mode === 'function' ? forced.choice.name : forced.tools[0]!.name;
    const tool = forced.tools.find((candidate) => candidate.name === name) ?? forced.tools[0]!;
    const id = `call_mock${createHash('sha256').update(JSON.stringify(request.messages)).digest('hex').slice(0, 20)}`;
    const argumentsText = JSON.stringify(argumentsFor(tool.parameters));
    return [
      { type: 'tool-call-start', id, name: tool.name },
      { type: 'tool-call-delta', id, argumentsDelta: argumentsText },
      { type: 'tool-call-end', id },
      { type: 'usage', promptTokens, completionTokens: countTokens(argumentsText) },
      { type: 'finish', finishReason: 'tool_calls' },
    ];
  }
  const text = request.responseFormat ? JSON.stringify({ model: MOCK_MODEL_ID, said: lastUserText(request) }) : mockText(request);
  const parts: ChatStreamPart[] = [{ type: 'text-start', id: 'text-0' }];
  for (let index = 0; index < text.length; index += PIECE_LENGTH) parts.push({ type: 'text-delta', id: 'text-0', text: text.slice(index, index + PIECE_LENGTH) });
  parts.push({ type: 'text-end', id: 'text-0' }, { type: 'usage', promptTokens, completionTokens: countTokens(text) }, { type: 'finish', finishReason: 'stop' });
  return parts;
}

function mockText(request: ChatRequest): string {
  const said = lastUserText(request);
  return said === ''
    ? `This is the mock model (${MOCK_MODEL_ID}) of xipu-gateway: the gateway works. Send a message and it is quoted back.`
    : `This is the mock model (${MOCK_MODEL_ID}) of xipu-gateway: the gateway works. You said: "${said}"`;
}

function lastUserText(request: ChatRequest): string {
  const text = [...request.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUOTE_LENGTH ? `${flat.slice(0, QUOTE_LENGTH)}…` : flat;
}

/** The schema's required properties with plain defaults: "" for strings, 0, false, [], {}, else null. */
function argumentsFor(schema: JsonSchema): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((name): name is string => typeof name === 'string') : [];
  const defaults: Record<string, unknown> = { string: '', number: 0, integer: 0, boolean: false, array: [], object: {} };
  return Object.fromEntries(required.map((name) => [name, defaults[String(properties[name]?.type)] ?? null]));
}

/** 8 floats in [-1, 1) from the text's SHA-256: the same text, the same vector. */
function vectorOf(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: EMBEDDING_SIZE }, (_, index) => Math.round((digest.readUInt16BE(index * 2) / 32_768 - 1) * 1e6) / 1e6);
}
