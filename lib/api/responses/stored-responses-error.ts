import { invalidRequest, type GatewayError } from '@/lib/errors/gateway-error';

/**
 * The 400 for what needs a stored response (`previous_response_id`, an `item_reference`
 * input item): this gateway keeps nothing yet, so the client must send the whole
 * conversation, as Codex CLI does by default (`store: false`).
 */
export function storedResponsesNotSupported(param: string): GatewayError {
  return invalidRequest(
    `Invalid '${param}': stored responses are not supported yet; send the whole input (store: false). With the AI SDK set providerOptions.openai.store = false.`,
    param,
    'stored_responses_not_supported',
  );
}
