/**
 * The ioredis client and small typed cache helpers.
 *
 * The client fails fast when Redis is down: no offline queue (a command fails
 * at once instead of waiting for a reconnect), a per-command timeout, and a
 * capped reconnect backoff that never gives up. The cache helpers treat Redis
 * as an optimisation only: a cache failure falls back to the loader, so any
 * request PostgreSQL can serve still succeeds.
 */
import { Redis } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';
import { cacheLookups } from './metrics.js';

/** The Redis client of this process (connects on first use or via `connectRedis`). */
export const redis = new Redis(config.redis.url, {
  lazyConnect: true,
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

/** How a cached value is described to getOrLoad. */
export interface CacheOptions {
  /** Metric label, e.g. "categories". */
  name: string;
  /** Lifetime in seconds (defaults to CACHE_TTL_SECONDS). */
  ttlSeconds?: number;
}

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Returns the cached value for `cacheKey`, or runs `load`, caches its result
 * for the TTL and returns it. Concurrent misses for the same key in this
 * process share one load. Redis errors are counted and ignored: the loader's
 * answer is always good enough.
 */
export async function getOrLoad<T>(cacheKey: string, options: CacheOptions, load: () => Promise<T>): Promise<T> {
  if (!config.cache.enabled) return load();
  let cached: string | null;
  try {
    cached = await redis.get(cacheKey);
  } catch {
    cacheLookups.inc({ cache: options.name, result: 'error' });
    return load();
  }
  if (cached !== null) {
    try {
      const value = JSON.parse(cached) as T;
      cacheLookups.inc({ cache: options.name, result: 'hit' });
      return value;
    } catch {
      // A corrupt entry is treated as a miss and overwritten below.
    }
  }
  cacheLookups.inc({ cache: options.name, result: 'miss' });

  const pending = inFlight.get(cacheKey) as Promise<T> | undefined;
  if (pending) return pending;
  const loading = (async () => {
    const value = await load();
    if (value !== undefined) {
      const ttl = options.ttlSeconds ?? config.cache.ttlSeconds;
      await redis.set(cacheKey, JSON.stringify(value), 'EX', ttl).catch(() => undefined);
    }
    return value;
  })().finally(() => inFlight.delete(cacheKey));
  inFlight.set(cacheKey, loading);
  return loading;
}

/**
 * Deletes cache entries by exact key. Returns false when Redis could not be
 * reached (the entry then expires with its TTL); never throws, because the
 * write that triggered it has already succeeded in PostgreSQL.
 */
export async function invalidate(...cacheKeys: string[]): Promise<boolean> {
  if (cacheKeys.length === 0) return true;
  try {
    await redis.unlink(...cacheKeys);
    return true;
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, keys: cacheKeys }, 'cache invalidation failed');
    return false;
  }
}

/** Deletes every cache entry whose key starts with `prefix` (SCAN, never KEYS). Same failure rule as `invalidate`. */
export async function invalidatePrefix(prefix: string): Promise<boolean> {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    return true;
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, prefix }, 'cache invalidation failed');
    return false;
  }
}

const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');
