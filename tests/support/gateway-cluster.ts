import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { startRealRedisUpstash, type RealRedisUpstash } from './start-real-redis-upstash';

/** Several serverless instances of one deployment: `next start` processes sharing one Redis. */
export interface GatewayCluster {
  redis: RealRedisUpstash;
  gateways: GatewayProcess[];
  /** Stops every process, then Redis. */
  stop(): Promise<void>;
}

/**
 * Starts a real redis-server behind the Upstash REST bridge and `count` gateway processes
 * whose environment is `environment` plus that Upstash database. Needs `next build` first.
 */
export async function startGatewayCluster(options: { count: number; environment: Record<string, string> }): Promise<GatewayCluster> {
  const redis = await startRealRedisUpstash();
  const environment = { ...options.environment, UPSTASH_REDIS_REST_URL: redis.url, UPSTASH_REDIS_REST_TOKEN: redis.token };
  let gateways: GatewayProcess[];
  try {
    gateways = await Promise.all(Array.from({ length: options.count }, () => startGatewayProcess(environment)));
  } catch (error) {
    await redis.close();
    throw error;
  }
  return {
    redis,
    gateways,
    async stop() {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await redis.close();
    },
  };
}
