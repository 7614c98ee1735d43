import { describe, expect, it } from 'vitest';
import { buildResponseObject } from '@/lib/api/responses/build-response-object';
import { resolveStoredInput } from '@/lib/api/responses/resolve-stored-input';
import { validateResponsesRequest } from '@/lib/api/responses/parse-responses-request';
import type { OutputItem } from '@/lib/api/responses/response-types';
import { findStoredItemResponseId, MAX_STORED_RESPONSE_CHARS, readStoredResponse, saveStoredResponse, type StoredResponse } from '@/lib/api/responses/stored-responses';
import { storeKeys } from '@/lib/store/keys';
import { STORE_BACKENDS, useStoreBackend } from '../../support/store-backends';
import { BASE } from './response-test-kit';

/**
 * Stored responses (lib/api/responses/stored-responses.ts, its script and the reading side in
 * resolve-stored-input.ts) on both stores: the Lua and its in-memory twin stay equivalent.
 * Response ids are random per test, so the real keys (storeKeys) do not collide between runs.
 */
const HOUR_MS = 3_600_000;

function storedResponse(tag: string, text = 'Hello.'): StoredResponse {
  const output: OutputItem[] = [
    { id: `msg_${tag}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
    { id: `fc_${tag}`, type: 'function_call', status: 'completed', call_id: `call_${tag}`, name: 'get_weather', arguments: '{"city":"Oslo"}' },
  ];
  const response = buildResponseObject({ ...BASE, id: `resp_${tag}` }, { status: 'finished', finishReason: 'tool_calls', usage: null }, output);
  return { response, input: [{ type: 'message', role: 'user', content: 'Weather in Oslo?' }], owner: 'key-a' };
}

describe.each(STORE_BACKENDS)('stored responses on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  const tag = () => `${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;

  it('saves a response and its item index in one command (after the script is loaded), all with the TTL, and reads it back', async () => {
    const { store } = backend;
    const t = tag();
    const stored = storedResponse(t, 'Exact "text" 不变 \\n');
    await saveStoredResponse(store, storedResponse(tag()), HOUR_MS);
    backend.resetCommands();
    await saveStoredResponse(store, stored, 24 * HOUR_MS);
    expect(backend.commands()).toBe(1);

    expect(await readStoredResponse(store, `resp_${t}`, 'key-a')).toEqual(stored);
    expect(await findStoredItemResponseId(store, `msg_${t}`)).toBe(`resp_${t}`);
    expect(await findStoredItemResponseId(store, `fc_${t}`)).toBe(`resp_${t}`);
    for (const key of [storeKeys.storedResponse(`resp_${t}`), storeKeys.storedResponseItem(`msg_${t}`), storeKeys.storedResponseItem(`fc_${t}`)]) {
      const ttl = await backend.ttlMs(key);
      expect(ttl).toBeGreaterThan(23 * HOUR_MS);
      expect(ttl).toBeLessThanOrEqual(24 * HOUR_MS);
    }
  });

  it('reads an unknown id, or another key’s response, as null', async () => {
    const { store } = backend;
    const t = tag();
    await saveStoredResponse(store, storedResponse(t), HOUR_MS);
    expect(await readStoredResponse(store, `resp_${t}`, 'key-b')).toBeNull();
    expect(await readStoredResponse(store, `resp_unknown_${t}`, 'key-a')).toBeNull();
    expect(await findStoredItemResponseId(store, `msg_unknown_${t}`)).toBeNull();
  });

  it('skips a response over the size cap: no command', async () => {
    const { store } = backend;
    const t = tag();
    backend.resetCommands();
    await saveStoredResponse(store, storedResponse(t, 'x'.repeat(MAX_STORED_RESPONSE_CHARS)), HOUR_MS);
    expect(backend.commands()).toBe(0);
    expect(await readStoredResponse(store, `resp_${t}`, 'key-a')).toBeNull();
  });

  it('resolves previous_response_id into its conversation and item references into the stored items', async () => {
    const { store } = backend;
    const first = tag();
    const second = tag();
    await saveStoredResponse(store, storedResponse(first), HOUR_MS);
    await saveStoredResponse(store, storedResponse(second), HOUR_MS);
    const access = { store, owner: 'key-a' };

    const body = { model: 'gpt-4.1', previous_response_id: `resp_${first}`, input: [{ type: 'item_reference', id: `msg_${second}` }, { type: 'item_reference', id: `msg_${first}` }] };
    const resolved = await resolveStoredInput(validateResponsesRequest(body), body, access);
    const firstStored = storedResponse(first);
    expect(resolved.prior).toEqual([...firstStored.input, ...firstStored.response.output]);
    expect(resolved.input).toEqual([storedResponse(second).response.output[0], firstStored.response.output[0]]);

    const unknown = { model: 'gpt-4.1', input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: `msg_none_${first}` }] };
    await expect(resolveStoredInput(validateResponsesRequest(unknown), unknown, access)).rejects.toMatchObject({ status: 400, param: 'input[1].id' });
    const missing = { model: 'gpt-4.1', input: 'hi', previous_response_id: `resp_none_${first}` };
    await expect(resolveStoredInput(validateResponsesRequest(missing), missing, access)).rejects.toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      param: 'previous_response_id',
      message: `Previous response with id 'resp_none_${first}' not found.`,
    });
  });
});
