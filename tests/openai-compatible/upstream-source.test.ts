import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamSource, MODELS_REFRESH_MS, readUpstreamModelsRecord } from '@/lib/openai-compatible/create-upstream-source';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { STORE_BACKENDS, useStoreBackend } from '../support/store-backends';

/** An UPSTREAMS entry as a model source: fixed models, or its GET /models kept in the store. */
let server: OpenAiCompatibleServer;
beforeAll(async () => {
  server = await startOpenAiCompatibleServer({ models: ['llama3', 'nomic-embed-text'] });
});
afterAll(async () => {
  await server.close();
});

describe.each(STORE_BACKENDS)('createUpstreamSource on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  let clock = 0;
  const source = (models?: string[], baseUrl = server.url) => {
    const id = `t${randomUUID().slice(0, 8)}`;
    return {
      id,
      source: createUpstreamSource({ id, baseUrl, models }, { store: backend.store, now: () => clock, firstByteTimeoutMs: 2_000, idleTimeoutMs: 2_000 }),
    };
  };

  it('lists the models the entry names, owned by its id, with no request and no store command', async () => {
    const before = server.counters.models;
    backend.resetCommands();
    const { id, source: fixed } = source(['gpt-4o-mini']);
    expect(await fixed.listModels()).toEqual([{ id: 'gpt-4o-mini', ownedBy: id, created: expect.any(Number) }]);
    expect((await fixed.endpointsFor('gpt-4o-mini')).map((endpoint) => endpoint.id)).toEqual([`upstream:${id}`]);
    expect(await fixed.endpointsFor('llama3')).toEqual([]);
    expect(server.counters.models).toBe(before);
    expect(backend.commands()).toBe(0);
  });

  it('reads GET /models once and keeps it: the next requests read the store only, until it is old', async () => {
    clock = 1_000_000;
    const { id, source: discovered } = source();
    const before = server.counters.models;
    expect((await discovered.listModels()).map((card) => card.id)).toEqual(['llama3', 'nomic-embed-text']);
    expect((await discovered.endpointsFor('llama3')).map((endpoint) => endpoint.id)).toEqual([`upstream:${id}`]);
    expect(server.counters.models).toBe(before + 1);
    clock += MODELS_REFRESH_MS + 1;
    await discovered.listModels();
    expect(server.counters.models).toBe(before + 2);
    expect((await readUpstreamModelsRecord(backend.store, id))?.models).toEqual(['llama3', 'nomic-embed-text']);
  });

  it('keeps the last list when a read fails, records the error, and waits before asking again', async () => {
    clock = 2_000_000;
    const { id, source: discovered } = source();
    await discovered.listModels();
    clock += MODELS_REFRESH_MS + 1;
    server.setFault('status-500');
    try {
      const before = server.counters.models;
      expect((await discovered.listModels()).map((card) => card.id)).toEqual(['llama3', 'nomic-embed-text']);
      await discovered.listModels();
      expect(server.counters.models).toBe(before + 1);
      const record = await readUpstreamModelsRecord(backend.store, id);
      expect(record?.error).toContain('500');
    } finally {
      server.setFault(undefined);
    }
  });

  it('lists nothing, and does not throw, for an upstream never read', async () => {
    const { source: unreachable } = source(undefined, 'http://127.0.0.1:9/v1');
    expect(await unreachable.listModels()).toEqual([]);
    expect(await unreachable.endpointsFor('llama3')).toEqual([]);
  });
});
