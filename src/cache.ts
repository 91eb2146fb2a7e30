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
 *
 * Invalidation by prefix needs no SCAN (which would see one node of a
 * Cluster, and the whole keyspace of a single server): an entry filled under
 * a prefix is recorded in the prefix's member set (a sorted set scored by
 * expiry, trimmed on every fill), and invalidating the prefix deletes the
 * members it lists. A key's generation counter, a prefix's counter and its
 * member set live in the key's (or prefix's) hash slot, so in a Redis
 * Cluster every prefix used for invalidation must carry a hash tag
 * (`key('cache', hashTag('product'), '')`): all its entries then share one
 * slot, and the fill script and the invalidation stay on one node.
 */
import type { Result } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';
import { cacheLookups } from './metrics.js';
import { hasHashTag, isCluster, key, mget, redis, slotGroups } from './redis.js';

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

/**
 * Where the generation counter of a cache key or prefix lives (outside every
 * cache prefix, in the target's hash slot: a target without a tag becomes
 * the tag).
 */
const generationKey = (target: string): string => key('generation', hasHashTag(target) ? target : `{${target}}`);
/** Where a prefix's member set lives (in the prefix's slot; see the module comment). */
const membersKey = (prefix: string): string => key('members', prefix);
const GENERATION_TTL_SECONDS = 86_400;

/** In a Cluster, a prefix's entries, counter and member set must share a slot: the prefix needs a tag. */
function assertSlotSafe(prefix: string): void {
  if (isCluster && !hasHashTag(prefix)) {
    throw new Error(`cache prefix ${prefix} needs a hash tag in a Redis Cluster (see cache.ts)`);
  }
}

/** The generation counters guarding an entry: its own key's, and its prefix's when it names one. */
const generationKeys = (cacheKey: string, options: CacheOptions): string[] =>
  options.generation && options.generation !== cacheKey
    ? [generationKey(cacheKey), generationKey(options.generation)]
    : [generationKey(cacheKey)];

// KEYS: the entry, its generation counters, then the prefix's member set if any; ARGV: value, TTL, the number
// of counters, then each counter's expected value. TIME is the server's clock, the same for every instance.
redis.defineCommand('emporiumCacheFill', {
  lua: `
    local counters = tonumber(ARGV[3])
    for i = 1, counters do
      if (redis.call('GET', KEYS[i + 1]) or '') ~= ARGV[i + 3] then return 0 end
    end
    local ttl = tonumber(ARGV[2])
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
    local members = KEYS[counters + 2]
    if members then
      local time = redis.call('TIME')
      local now = tonumber(time[1])
      redis.call('ZREMRANGEBYSCORE', members, '-inf', now)
      redis.call('ZADD', members, now + ttl, KEYS[1])
      if redis.call('TTL', members) < ttl then redis.call('EXPIRE', members, ttl) end
    end
    return 1
  `,
});

// KEYS: the prefix's generation counter, its member set; ARGV: the counter's TTL. Deletes the members listed.
redis.defineCommand('emporiumInvalidatePrefix', {
  numberOfKeys: 2,
  lua: `
    redis.call('INCR', KEYS[1])
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    local members = redis.call('ZRANGE', KEYS[2], 0, -1)
    for i = 1, #members, 500 do
      redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
    end
    redis.call('DEL', KEYS[2])
    return #members
  `,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    emporiumCacheFill(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
    emporiumInvalidatePrefix(generationKey: string, membersKey: string, ttl: number): Result<number, Context>;
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
  const members = options.generation && options.generation !== cacheKey ? [membersKey(options.generation)] : [];
  if (options.generation) assertSlotSafe(options.generation);
  const loading = (async () => {
    const loaded = await serialise(load);
    if (loaded === undefined) return undefined;
    const ttl = options.ttlSeconds ?? config.cache.ttlSeconds;
    const expected = genKeys.map((_, i) => generations[i] ?? '');
    const keys = [cacheKey, ...genKeys, ...members];
    const stored = await redis
      .emporiumCacheFill(keys.length, ...keys, loaded.json, ttl, genKeys.length, ...expected)
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

/**
 * Bumps the entries' generations (so in-flight fills are dropped) and
 * deletes them: one transaction, or in a Cluster one per slot.
 */
function bumpAndDelete(cacheKeys: string[]) {
  return Promise.all(
    slotGroups(cacheKeys).map((group) => {
      const batch = redis.multi();
      for (const target of group) {
        batch.incr(generationKey(target)).expire(generationKey(target), GENERATION_TTL_SECONDS);
      }
      return batch.unlink(...group).exec();
    }),
  );
}

/**
 * Invalidates cache entries by exact key. Returns false when Redis could not
 * be reached (the entry then expires with its TTL); never throws, because
 * the write that triggered it has already succeeded in PostgreSQL.
 */
export async function invalidate(...cacheKeys: string[]): Promise<boolean> {
  if (cacheKeys.length === 0) return true;
  try {
    await bumpAndDelete(cacheKeys);
    return true;
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, keys: cacheKeys }, 'cache invalidation failed');
    return false;
  }
}

/**
 * Invalidates every entry cached under `prefix` (those that name it as their
 * `generation`): one script that bumps the prefix's generation and deletes
 * the entries its member set lists, no SCAN. Same failure rule as
 * `invalidate`.
 */
export async function invalidatePrefix(prefix: string): Promise<boolean> {
  try {
    assertSlotSafe(prefix);
    await redis.emporiumInvalidatePrefix(generationKey(prefix), membersKey(prefix), GENERATION_TTL_SECONDS);
    return true;
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, prefix }, 'cache invalidation failed');
    return false;
  }
}
