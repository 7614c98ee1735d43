import type { ChatMessage, ChatRequest } from '@/lib/providers/chat-provider';

/**
 * A ChatRequest back in OpenAI's wire form, for an upstream that speaks it: tools, tool
 * results and `response_format` go through as they are (the upstream has them natively), and
 * the answer is always streamed with usage, whatever the client asked — the pipeline makes a
 * JSON answer of the stream for a client that did not stream.
 */
export function toOpenAiChatBody(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(toOpenAiMessage),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.stop.length > 0) body.stop = request.stop;
  if (request.tools) {
    body.tools = request.tools.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.parameters,
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    }));
    const { choice } = request.tools;
    body.tool_choice = choice.mode === 'function' ? { type: 'function', function: { name: choice.name } } : choice.mode;
    if (!request.tools.parallel) body.parallel_tool_calls = false;
  }
  if (request.responseFormat) {
    const format = request.responseFormat;
    body.response_format =
      format.type === 'json_object' ? { type: 'json_object' } : { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
  }
  return body;
}

function toOpenAiMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') {
    return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
  }
  if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
    return {
      role: 'assistant',
      content: message.content === '' ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    };
  }
  return { role: message.role, content: message.content, ...(message.name !== undefined && message.role === 'user' ? { name: message.name } : {}) };
}
