import type { TestProject } from 'vitest/node';
import { startRealRedisUpstash } from './start-real-redis-upstash';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Upstash REST URL of the bridge in front of the shared test redis-server. */
    upstashUrl: string;
    upstashToken: string;
    /** Port of that redis-server (for tests that start their own bridge on it). */
    redisPort: number;
  }
}

type Teardown = () => Promise<void>;

/**
 * Starts what every test file shares, once per run, and tears it down afterwards. Each
 * resource is one step that provides its values and returns its teardown; add a step to
 * extend (teardowns run in reverse order).
 */
export default async function setup(project: TestProject): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  const runTeardowns = async (): Promise<void> => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
  try {
    teardowns.push(await provideRealRedisUpstash(project));
  } catch (error) {
    await runTeardowns();
    throw error;
  }
  return runTeardowns;
}

async function provideRealRedisUpstash(project: TestProject): Promise<Teardown> {
  const realRedis = await startRealRedisUpstash();
  project.provide('upstashUrl', realRedis.url);
  project.provide('upstashToken', realRedis.token);
  project.provide('redisPort', realRedis.redisPort);
  return () => realRedis.close();
}
