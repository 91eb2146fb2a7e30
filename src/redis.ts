/**
 * The ioredis client. It fails fast when Redis is down: no offline queue (a
 * command fails at once instead of waiting for a reconnect), a per-command
 * timeout, and a capped reconnect backoff that never gives up. The cache
 * helpers built on it are in cache.ts.
 */
import { Redis } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';

/** The Redis client of this process (connects on first use or via `connectRedis`). */
export const redis = new Redis(config.redis.url, {
  lazyConnect: true,
  enableAutoPipelining: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: config.redis.commandTimeoutMs,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  reconnectOnError: () => false,
});

let lastErrorLog = 0;
redis.on('error', (error: Error) => {
  // Reconnects retry many times per second while Redis is down; log at most every 10 s.
  const now = Date.now();
  if (now - lastErrorLog > 10_000) {
    lastErrorLog = now;
    logger.warn({ err: { message: error.message } }, 'redis unavailable');
  }
});
redis.on('ready', () => logger.info('redis connected'));

/** Starts the connection without failing start-up when Redis is down (it keeps retrying). */
export async function connectRedis(): Promise<void> {
  if (redis.status !== 'wait') return;
  try {
    await redis.connect();
  } catch {
    // Logged by the 'error' handler; ioredis keeps reconnecting in the background.
  }
}

/** True when the client is connected and can run commands. */
export const redisReady = (): boolean => redis.status === 'ready';

/** Namespaces a key under REDIS_KEY_PREFIX: `key('cache', 'categories')` → `emporium:cache:categories`. */
export const key = (...parts: (string | number)[]): string => `${config.redis.keyPrefix}${parts.join(':')}`;

/**
 * MGET of `keys` (none: no round trip). Commands of one event-loop round go
 * to Redis as one pipeline (the client's `enableAutoPipelining`).
 */
export const mget = (keys: string[]): Promise<(string | null)[]> =>
  keys.length === 0 ? Promise.resolve([]) : redis.mget(keys);
