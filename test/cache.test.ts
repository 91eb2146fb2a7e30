/** The cache helpers against the real Redis: get-or-load, invalidation, and no stale refills. */
import { describe, expect, it } from 'vitest';
import { getOrLoad, invalidate, invalidatePrefix } from '../src/cache.js';
import { redis } from '../src/redis.js';
import { useTestApp } from './support/context.js';

useTestApp();

describe('getOrLoad', () => {
  it('loads once, then serves from Redis with the TTL', async () => {
    let loads = 0;
    const load = () => Promise.resolve({ n: ++loads });
    expect(await getOrLoad('emporium:cache:t:a', { name: 't', ttlSeconds: 60 }, load)).toEqual({ n: 1 });
    expect(await getOrLoad('emporium:cache:t:a', { name: 't', ttlSeconds: 60 }, load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
    expect(await redis.ttl('emporium:cache:t:a')).toBeGreaterThan(55);
  });

  it('shares one load between concurrent misses', async () => {
    let loads = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 50));
    const values = await Promise.all(
      Array.from({ length: 5 }, () => getOrLoad('emporium:cache:t:b', { name: 't' }, slow)),
    );
    expect(values).toEqual([1, 1, 1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('does not cache undefined, and treats a corrupt entry as a miss', async () => {
    await getOrLoad('emporium:cache:t:c', { name: 't' }, () => Promise.resolve(undefined));
    expect(await redis.exists('emporium:cache:t:c')).toBe(0);
    await redis.set('emporium:cache:t:c', '{not json');
    expect(await getOrLoad('emporium:cache:t:c', { name: 't' }, () => Promise.resolve('fresh'))).toBe('fresh');
    expect(await redis.get('emporium:cache:t:c')).toBe('"fresh"');
  });

  it('never writes back a value that was invalidated while it was being loaded', async () => {
    // The reader reads the old row; meanwhile a writer commits and invalidates.
    const value = await getOrLoad('emporium:cache:t:d', { name: 't' }, async () => {
      await invalidate('emporium:cache:t:d');
      return 'old';
    });
    expect(value).toBe('old');
    expect(await redis.exists('emporium:cache:t:d')).toBe(0);
    // The next reader fills it normally.
    await getOrLoad('emporium:cache:t:d', { name: 't' }, () => Promise.resolve('new'));
    expect(await redis.get('emporium:cache:t:d')).toBe('"new"');
  });

  it('does the same for entries invalidated by prefix', async () => {
    const options = { name: 't', generation: 'emporium:cache:list:' };
    await getOrLoad('emporium:cache:list:page-1', options, async () => {
      await invalidatePrefix('emporium:cache:list:');
      return 'old page';
    });
    expect(await redis.exists('emporium:cache:list:page-1')).toBe(0);
    await getOrLoad('emporium:cache:list:page-1', options, () => Promise.resolve('page'));
    await getOrLoad('emporium:cache:list:page-2', options, () => Promise.resolve('page'));
    expect(await invalidatePrefix('emporium:cache:list:')).toBe(true);
    expect(await redis.keys('emporium:cache:list:*')).toEqual([]);
  });
});
