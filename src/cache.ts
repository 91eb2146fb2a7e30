/**
 * Small typed cache helpers over Redis: get-or-load with a TTL, and
 * invalidation by key or by prefix.
 *
 * Redis is an optimisation only: a cache failure falls back to the loader,
 * so any request PostgreSQL can serve still succeeds.
 *
 * Fills are guarded by a generation counter so that a reader can never put
 * stale data back after a writer invalidated it (the classic cache-aside
 * race: read the database, writer commits and deletes the key, reader writes
 * its old copy). Every invalidation bumps the entry's generation; a reader
 * notes the generation before loading and stores its result only if the
 * generation is still the same (one Lua check-and-set).
 */
import type { Result } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';
import { cacheLookups } from './metrics.js';
import { key, mget, redis } from './redis.js';

/** How a cached value is described to getOrLoad. */
export interface CacheOptions {
  /** Metric label, e.g. "categories". */
  name: string;
  /** Lifetime in seconds (defaults to CACHE_TTL_SECONDS). */
  ttlSeconds?: number;
  /**
   * A prefix whose invalidation also makes this entry stale. Every entry is
   * guarded by its own key's generation; entries that may be invalidated by
   * prefix name that prefix here too, so a fill in flight during either
   * invalidation is dropped.
   */
  generation?: string;
}

/** Where the generation counter of a cache key or prefix lives (outside every cache prefix). */
const generationKey = (target: string): string => key('generation', target);
const GENERATION_TTL_SECONDS = 86_400;

/** The generation counters guarding an entry: its own key's, and its prefix's when it names one. */
const generationKeys = (cacheKey: string, options: CacheOptions): string[] =>
  options.generation && options.generation !== cacheKey
    ? [generationKey(cacheKey), generationKey(options.generation)]
    : [generationKey(cacheKey)];

// KEYS: the entry, then its generation counters; ARGV: value, TTL, then each counter's expected value.
redis.defineCommand('emporiumCacheFill', {
  lua: `
    for i = 2, #KEYS do
      if (redis.call('GET', KEYS[i]) or '') ~= ARGV[i + 1] then return 0 end
    end
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return 1
  `,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    emporiumCacheFill(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
  }
}
/** JSON text known to encode a T: serialised once, sent as it is (see controllers/json.ts). */
export type Json<T> = string & { readonly __json: T };

/** Where a text from getOrLoadJson is cached. */
export interface CacheEntry {
  /** The Redis key holding exactly this text. */
  key: string;
  /** The cache's name (metric label). */
  name: string;
}

/** JSON text from getOrLoadJson, and where it is cached when it is. */
export interface CachedJson<T> {
  json: Json<T>;
  /**
   * Set when this very text is in Redis under `entry.key` (a hit, or a fill
   * that was stored); absent when the cache is off, Redis failed, or the
   * fill was dropped because the entry was invalidated meanwhile.
   */
  entry?: CacheEntry;
}

const inFlight = new Map<string, Promise<CachedJson<unknown> | undefined>>();

const serialise = async <T>(load: () => Promise<T | undefined>): Promise<CachedJson<T> | undefined> => {
  const value = await load();
  return value === undefined ? undefined : { json: JSON.stringify(value) as Json<T> };
};

/**
 * Returns the cached JSON text for `cacheKey`, or runs `load`, caches its
 * result serialised (unless it is undefined) for the TTL and returns that
 * text. Concurrent misses for the same key in this process share one load.
 * Redis errors are counted and ignored: the loader's answer is always good
 * enough.
 */
export async function getOrLoadJson<T>(
  cacheKey: string,
  options: CacheOptions,
  load: () => Promise<T | undefined>,
): Promise<CachedJson<T> | undefined> {
  if (!config.cache.enabled) return serialise(load);
  let replies: (string | null)[];
  try {
    replies = await mget([cacheKey, ...generationKeys(cacheKey, options)]);
  } catch {
    cacheLookups.inc({ cache: options.name, result: 'error' });
    return serialise(load);
  }
  return answer(cacheKey, options, load, replies[0] ?? null, replies.slice(1));
}

/** The answer to a lookup whose entry and generations were read: the hit, or a (shared) load and fill. */
function answer<T>(
  cacheKey: string,
  options: CacheOptions,
  load: () => Promise<T | undefined>,
  cached: string | null,
  generations: (string | null)[],
): Promise<CachedJson<T> | undefined> {
  const entry: CacheEntry = { key: cacheKey, name: options.name };
  if (cached !== null) {
    cacheLookups.inc({ cache: options.name, result: 'hit' });
    return Promise.resolve({ json: cached as Json<T>, entry });
  }
  cacheLookups.inc({ cache: options.name, result: 'miss' });

  const pending = inFlight.get(cacheKey) as Promise<CachedJson<T> | undefined> | undefined;
  if (pending) return pending;
  const genKeys = generationKeys(cacheKey, options);
  const loading = (async () => {
    const loaded = await serialise(load);
    if (loaded === undefined) return undefined;
    const ttl = options.ttlSeconds ?? config.cache.ttlSeconds;
    const expected = genKeys.map((_, i) => generations[i] ?? '');
    const stored = await redis
      .emporiumCacheFill(1 + genKeys.length, cacheKey, ...genKeys, loaded.json, ttl, ...expected)
      .catch(() => 0);
    return stored === 1 ? { ...loaded, entry } : loaded;
  })().finally(() => inFlight.delete(cacheKey));
  inFlight.set(cacheKey, loading);
  return loading;
}

/**
 * Reads `keys` and a cache entry in ONE Redis round trip: returns the keys'
 * values and the entry's JSON text (loaded and cached when it was missing;
 * undefined when `load` finds nothing). For callers that need Redis anyway
 * (authentication reads its token state here): a Redis failure is thrown,
 * mapped by `onRedisError`, instead of falling back to the loader.
 */
export async function readWithCached<T>(
  keys: string[],
  cacheKey: string,
  options: CacheOptions,
  load: () => Promise<T | undefined>,
  onRedisError: (error: unknown) => Error,
): Promise<{ values: (string | null)[]; json: Json<T> | undefined }> {
  const caching = config.cache.enabled;
  let replies: (string | null)[];
  try {
    replies = await mget(caching ? [...keys, cacheKey, ...generationKeys(cacheKey, options)] : keys);
  } catch (error) {
    throw onRedisError(error);
  }
  const values = replies.slice(0, keys.length);
  const found = caching
    ? await answer(cacheKey, options, load, replies[keys.length] ?? null, replies.slice(keys.length + 1))
    : await serialise(load);
  return { values, json: found?.json };
}

/**
 * Like getOrLoadJson, but returns the value itself. A corrupt entry is a
 * miss: it is loaded again (and overwritten).
 */
export async function getOrLoad<T>(cacheKey: string, options: CacheOptions, load: () => Promise<T>): Promise<T> {
  if (!config.cache.enabled) return load();
  const text = (await getOrLoadJson<T>(cacheKey, options, load))?.json;
  if (text === undefined) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    await invalidate(cacheKey);
    return getOrLoad(cacheKey, options, load);
  }
}

/** Bumps generations (so in-flight fills are dropped) and deletes the entries in one transaction. */
function bumpAndDelete(targets: string[], keysToDelete: string[]) {
  const batch = redis.multi();
  for (const target of targets) batch.incr(generationKey(target)).expire(generationKey(target), GENERATION_TTL_SECONDS);
  if (keysToDelete.length > 0) batch.unlink(...keysToDelete);
  return batch.exec();
}

/**
 * Invalidates cache entries by exact key. Returns false when Redis could not
 * be reached (the entry then expires with its TTL); never throws, because
 * the write that triggered it has already succeeded in PostgreSQL.
 */
export async function invalidate(...cacheKeys: string[]): Promise<boolean> {
  if (cacheKeys.length === 0) return true;
  try {
    await bumpAndDelete(cacheKeys, cacheKeys);
    return true;
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, keys: cacheKeys }, 'cache invalidation failed');
    return false;
  }
}

/**
 * Invalidates every entry whose key starts with `prefix` (SCAN, never KEYS);
 * entries cached under a prefix pass it as their `generation`. Same failure
 * rule as `invalidate`.
 */
export async function invalidatePrefix(prefix: string): Promise<boolean> {
  try {
    await bumpAndDelete([prefix], []);
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
