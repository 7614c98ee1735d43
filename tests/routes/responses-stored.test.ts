import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retrieveResponse } from '@/lib/handlers/responses';
import { routeSet } from '@/lib/handlers/route-set';
import { createMemoryStore } from '@/lib/store/memory-store';
import { countStoreCalls, type CountedStore } from '../metrics/count-store-calls';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { parseTypedEvents } from '../api/responses/response-test-kit';

/**
 * Stored responses through the real POST and GET handlers over the simulator: what
 * `previous_response_id` and `item_reference` continue reaches the prompt, unknown ids are
 * OpenAI's 404 with no upstream call, and `store: false` costs no store command.
 */
let gateway: GatewayHarness;
let counted: CountedStore;
beforeAll(async () => {
  counted = countStoreCalls(createMemoryStore());
  gateway = await startGatewayHarness({ store: counted.store });
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  counted.reset();
});

const post = async (body: Record<string, unknown>) => {
  const response = await gateway.routes.responses.POST(
    new Request('http://gateway.test/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', ...body }) }),
  );
  return response;
};
const get = (id: string) =>
  routeSet({ GET: retrieveResponse }, gateway.routeOptions).GET(new Request(`http://gateway.test/v1/responses/${id}`), { params: Promise.resolve({ id: [id] }) } as never);
const readEvents = async (response: Response) =>
  parseTypedEvents(
    (await response.text())
      .split('\n\n')
      .filter((block) => block.startsWith('event: '))
      .map((block) => `${block}\n\n`),
  );
const lastPrompt = () => gateway.simulator.state().recentPrompts.at(-1) ?? '';
const upstreamCalls = () => gateway.simulator.state().calls.completions;

describe('stored responses', () => {
  it('previous_response_id puts the earlier turn before the new input, and GET returns each response', async () => {
    // Scripted, so the answer's text is in the prompt only if the stored output was put there.
    gateway.simulator.setScriptedReplies([{ match: 'Remember the word PELICAN.', reply: 'noted-PELICAN', times: 1 }]);
    const first = await post({ input: 'Remember the word PELICAN.' });
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ status: 'completed', store: true, previous_response_id: null });
    await gateway.settle();

    expect(firstBody.output[0].content[0].text).toBe('noted-PELICAN');
    gateway.simulator.setScriptedReplies([{ match: 'Which word?', reply: 'it was PELICAN', times: 1 }]);
    const second = await post({ input: 'Which word?', previous_response_id: firstBody.id });
    expect(second.status).toBe(200);
    const secondBody = await second.json();
    expect(secondBody.previous_response_id).toBe(firstBody.id);
    const prompt = lastPrompt();
    expect(prompt).toContain('Remember the word PELICAN.');
    expect(prompt).toContain('noted-PELICAN');
    expect(prompt.indexOf('noted-PELICAN')).toBeLessThan(prompt.indexOf('Which word?'));
    await gateway.settle();

    const retrieved = await get(secondBody.id);
    expect(retrieved.status).toBe(200);
    expect(await retrieved.json()).toEqual(secondBody);

    // A third turn sees both earlier ones through the second alone: one GET for the chain.
    counted.reset();
    gateway.simulator.setScriptedReplies([{ match: 'And now?', reply: 'done', times: 1 }]);
    const third = await post({ input: 'And now?', previous_response_id: secondBody.id });
    expect(third.status).toBe(200);
    expect(counted.count('get')).toBe(1);
    expect(lastPrompt()).toContain('Remember the word PELICAN.');
    expect(lastPrompt()).toContain('it was PELICAN');
    await gateway.settle();
  });

  it('stores a streamed response once the stream has ended, and resolves item_reference items', async () => {
    gateway.simulator.setScriptedReplies([{ match: 'Name a bird.', reply: 'streamed-KESTREL', times: 1 }]);
    const streamed = await post({ input: 'Name a bird.', stream: true });
    const events = await readEvents(streamed);
    const completed = events.at(-1);
    expect(completed.type).toBe('response.completed');
    await gateway.settle();
    expect(counted.count('saveStoredResponse')).toBe(1);

    const retrieved = await get(completed.response.id);
    expect(await retrieved.json()).toEqual(completed.response);

    const messageId = completed.response.output[0].id;
    const next = await post({ input: [{ role: 'user', content: 'Name a bird.' }, { type: 'item_reference', id: messageId }, { role: 'user', content: 'SIM-REPLY: again' }] });
    expect(next.status).toBe(200);
    expect(lastPrompt()).toContain('streamed-KESTREL');
    await gateway.settle();
  });

  it('an unknown previous_response_id → 404 in OpenAI’s words, with no upstream call', async () => {
    const before = upstreamCalls();
    const response = await post({ input: 'hi', previous_response_id: 'resp_nope' });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toEqual({
      message: "Previous response with id 'resp_nope' not found.",
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
    const reference = await post({ input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: 'msg_nope' }] });
    expect(reference.status).toBe(400);
    expect((await reference.json()).error).toMatchObject({ param: 'input[1].id', type: 'invalid_request_error' });
    expect(upstreamCalls()).toBe(before);
    await gateway.settle();
  });

  it('GET of an unknown id → 404 "Response with id … not found."', async () => {
    const response = await get('resp_unknown');
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatchObject({ message: "Response with id 'resp_unknown' not found.", type: 'invalid_request_error' });
  });

  it('store: false writes nothing and adds no command; store on adds exactly one', async () => {
    for (const stream of [false, true]) {
      counted.reset();
      const unstored = await post({ input: 'SIM-REPLY: not kept', store: false, stream });
      const body = stream ? (await readEvents(unstored)).at(-1).response : await unstored.json();
      expect(body.store).toBe(false);
      await gateway.settle();
      const unstoredCalls = [...counted.calls];
      expect(unstoredCalls).not.toContain('saveStoredResponse');
      expect((await get(body.id)).status).toBe(404);

      counted.reset();
      const stored = await post({ input: 'SIM-REPLY: kept', stream });
      if (stream) await stored.text();
      else await stored.json();
      await gateway.settle();
      expect(counted.calls.filter((call) => call === 'saveStoredResponse')).toHaveLength(1);
      expect(counted.calls.length).toBe(unstoredCalls.length + 1);
    }
  });
});
