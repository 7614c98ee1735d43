import { GatewayError } from '@/lib/errors/gateway-error';
import type { Store } from '@/lib/store/store';
import { unknownItemReference } from './convert-input-items';
import { parseAt } from './parse-at';
import { itemReferenceSchema, type InputItem, type ParsedResponsesRequest } from './responses-request-schema';
import type { OutputItem } from './response-types';
import { findOutputItem, findStoredItemResponseId, readStoredResponse, type StoredResponse } from './stored-responses';

/** Where stored responses are read, and as whom (a client key sees only its own). */
export interface StoredResponsesAccess {
  store: Store;
  /** ClientIdentity.id of the requesting key. */
  owner: string;
}

/** A request's input with what it needs from the store resolved. */
export interface ResolvedInput {
  /** The previous response's conversation (its input, then its output items); `[]` without one. */
  prior: InputItem[];
  /** The request's input, each `item_reference` replaced by the output item it names. */
  input: string | InputItem[];
}

/**
 * Reads what a Responses request continues, before anything is sent upstream:
 * - `previous_response_id` → that response's conversation (one GET);
 * - each `item_reference` → the output item it names, looked up first in that conversation
 *   (free), else through the item's index key and its response (one GET each, once per
 *   request per item and response). The AI SDK's default provider sends only the ids of the
 *   items of the response it got in the previous step, without `previous_response_id`.
 * A request with neither costs no store command.
 *
 * @throws GatewayError 404 `invalid_request_error` for an unknown, expired or another key's
 *   `previous_response_id` (OpenAI's words); 400 naming `input[i].id` for an unknown reference.
 */
export async function resolveStoredInput(request: ParsedResponsesRequest, body: unknown, access: StoredResponsesAccess): Promise<ResolvedInput> {
  let prior: InputItem[] = [];
  const previousId = request.previous_response_id;
  if (previousId != null) {
    const previous = await readStoredResponse(access.store, previousId, access.owner);
    if (previous === null) throw previousResponseNotFound(previousId);
    prior = [...previous.input, ...(structuredClone(previous.response.output) as unknown as InputItem[])];
  }
  if (typeof request.input === 'string' || !request.input.some((item) => item.type === 'item_reference')) return { prior, input: request.input };

  const loaded = new Map<string, StoredResponse | null>();
  const input: InputItem[] = [];
  for (const [index, item] of request.input.entries()) {
    if (item.type !== 'item_reference') {
      input.push(item);
      continue;
    }
    const { id } = parseAt(itemReferenceSchema, item, ['input', index], body);
    const found = prior.find((candidate) => candidate.id === id) ?? (await findReferencedItem(access, id, loaded));
    if (found === undefined) throw unknownItemReference(index, id);
    input.push(structuredClone(found) as InputItem);
  }
  return { prior, input };
}

async function findReferencedItem(access: StoredResponsesAccess, itemId: string, loaded: Map<string, StoredResponse | null>): Promise<OutputItem | InputItem | undefined> {
  for (const stored of loaded.values()) {
    const item = stored === null ? undefined : findOutputItem(stored, itemId);
    if (item !== undefined) return item;
  }
  const responseId = await findStoredItemResponseId(access.store, itemId);
  if (responseId === null) return undefined;
  if (!loaded.has(responseId)) loaded.set(responseId, await readStoredResponse(access.store, responseId, access.owner));
  const stored = loaded.get(responseId);
  return stored ? findOutputItem(stored, itemId) : undefined;
}

/** OpenAI's 404 for a `previous_response_id` it does not know. */
export function previousResponseNotFound(id: string): GatewayError {
  return new GatewayError(`Previous response with id '${id}' not found.`, {
    status: 404,
    type: 'invalid_request_error',
    code: 'previous_response_not_found',
    param: 'previous_response_id',
    retryable: false,
  });
}

/** OpenAI's 404 for GET /v1/responses/{id} of an id it does not know. */
export function responseNotFound(id: string): GatewayError {
  return new GatewayError(`Response with id '${id}' not found.`, {
    status: 404,
    type: 'invalid_request_error',
    code: 'response_not_found',
    param: 'response_id',
    retryable: false,
  });
}
