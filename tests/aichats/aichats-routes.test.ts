import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { createInProcessOpenAi } from '../support/in-process-openai';

/**
 * ai-chats.org behind the gateway's routes, with the real openai-node SDK (its requests handed
 * to the route handlers in-process). The site is the main simulator's `/chat/send2/`, so this
 * also proves the simulator routes it next to XIPU's API: AICHATS_BASE_URL is the simulator's
 * own URL.
 */
let simulator: SimulatorHandle;
let gateway: GatewayHarness;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  gateway = await startGatewayHarness({
    existingSimulator: simulator,
    environment: { AICHATS_ENABLED: 'true', AICHATS_BASE_URL: simulator.url },
  });
  client = createInProcessOpenAi({ '/v1/chat/completions': gateway.routes.chat.POST, '/v1/models': gateway.routes.models.GET });
});
afterEach(async () => {
  simulator.aichats.setFault(null);
  simulator.aichats.setOptions({ pieceDelayMs: 0 });
  await gateway.settle();
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

const expectedReply = (said: string) => `This is the ai-chats.org simulator (gpt-4o).\nYou said: "${said}"`;
const xipuCalls = () => simulator.state().calls;

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ai-chats.org through the gateway', () => {
  it('/v1/models lists gpt-4o owned by aichats, XIPU\'s models still listed', async () => {
    const models = await client.models.list();
    const owners = Object.fromEntries(models.data.map((model) => [model.id, model.owned_by]));
    expect(owners['gpt-4o']).toBe('aichats');
    expect(owners['gpt-4.1']).toMatch(/^xipu/);
  });

  it('streams an answer, the trylimit marker and escapes cleaned, with no XIPU call', async () => {
    const before = { xipu: xipuCalls(), aichats: simulator.aichats.state().completed };
    // Two answers: the simulator adds the marker, split across two lines, to every second one.
    for (const said of ['hello there', 'and again']) {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: said }], stream: true });
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text).toBe(expectedReply(said));
      expect(finish).toBe('stop');
    }
    expect(simulator.aichats.state().completed).toBe(before.aichats + 2);
    expect(xipuCalls()).toEqual(before.xipu);
  });

  it('answers without streaming; the system message is folded into the user\'s turn; the seed\'s headers are sent', async () => {
    for (let index = 0; index < 2; index += 1) {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: 'second question' },
        ],
      });
      expect(completion.choices[0]?.message.content).toBe(expectedReply('second question'));
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.model).toBe('gpt-4o');
    }
    const last = simulator.aichats.state().lastRequest!;
    expect(last.messagesHistory).toEqual([
      { from: 'you', content: 'Be brief.\n\nfirst question' },
      { from: 'chatGPT', content: 'first answer' },
      { from: 'you', content: 'second question' },
    ]);
    expect(last).toMatchObject({ origin: simulator.url, referer: `${simulator.url}/chat/` });
    expect(last.userAgent).toMatch(/^Mozilla\/5\.0/);
  });

  it('an upstream 500 reaches the client as a 500, and the next chat works', async () => {
    simulator.aichats.setFault('status-500');
    const failure = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain('ai-chats.org answered 500');
    simulator.aichats.setFault(null);
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'after' }] });
    expect(completion.choices[0]?.message.content).toBe(expectedReply('after'));
  });

  it('a 429 keeps its status and Retry-After', async () => {
    simulator.aichats.setFault('status-429');
    const response = await gateway.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('an empty answer becomes the provider\'s notice, not an empty success', async () => {
    simulator.aichats.setFault('empty');
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0]?.message.content).toMatch(/ai-chats\.org returned an empty answer.*may have changed.*limiting/);
    expect(completion.choices[0]?.finish_reason).toBe('content_filter');
  });

  it('a stream cut off mid-answer ends in an error, not a short success', async () => {
    simulator.aichats.setFault('drop-mid-stream');
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'cut me off please' }], stream: true });
    let received = '';
    const consumed = (async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
    })();
    await expect(consumed).rejects.toThrow();
    // The two lines before the cut reached the client; the rest never came.
    expect(received).toBe('This is');
  });

  it('a client that goes away mid-stream stops the upstream call', async () => {
    simulator.aichats.setOptions({ pieceDelayMs: 50 });
    const before = simulator.aichats.state();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'a long message with many words to stream slowly one by one' }], stream: true },
      { signal: controller.signal },
    );
    let received = '';
    const reading = (async () => {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content ?? '';
        if (received !== '') controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
    await gateway.settle();
    await until(() => simulator.aichats.state().aborted === before.aborted + 1, 'the upstream stream to close');
    expect(simulator.aichats.state().completed).toBe(before.completed);
    expect(received.length).toBeLessThan(expectedReply('a long message').length);
  });

  it('a client that goes away during a non-streamed answer stops the upstream call', async () => {
    simulator.aichats.setOptions({ pieceDelayMs: 50 });
    const before = simulator.aichats.state();
    const controller = new AbortController();
    const pending = gateway.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'slow words one two three four five six' }] }, { signal: controller.signal });
    await until(() => simulator.aichats.state().calls === before.calls + 1, 'the upstream call');
    await new Promise((resolve) => setTimeout(resolve, 120));
    controller.abort();
    expect((await pending).status).toBe(499);
    await gateway.settle();
    await until(() => simulator.aichats.state().aborted === before.aborted + 1, 'the upstream stream to close');
    expect(simulator.aichats.state().completed).toBe(before.completed);
  });
});
