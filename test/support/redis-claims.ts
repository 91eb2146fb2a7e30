/**
 * Each test run claims Redis logical databases for its workers, so that two
 * runs at once never flush each other's data. A claim is a key in db 0
 * (`emporium-test-claim:<db>` = the run's pid, expiring after an hour); a
 * claim whose process is gone may be taken over.
 *
 * In a Redis Cluster (TEST_REDIS_TOPOLOGY=cluster, db 0 only) each worker has
 * its own REDIS_KEY_PREFIX instead: `resetRedis` and `redisKeys` then work on
 * that prefix on every master.
 */
import { Cluster, Redis } from 'ioredis';
import { REDIS_BASE } from './databases.js';

const CANDIDATES = Array.from({ length: 15 }, (_, i) => i + 1);
const claimKey = (db: number): string => `emporium-test-claim:${db}`;

/** True while process `pid` runs (a dead run's claims and databases may be taken over). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Claims `count` Redis databases for run `pid`; throws when not enough are free. */
export async function claimRedisDbs(pid: number, count: number): Promise<number[]> {
  const redis = new Redis(`${REDIS_BASE}/0`, { lazyConnect: true });
  await redis.connect();
  try {
    const claimed: number[] = [];
    for (const db of CANDIDATES) {
      if (claimed.length === count) break;
      const owner = await redis.get(claimKey(db));
      if (owner && alive(Number(owner))) continue;
      if (owner) await redis.del(claimKey(db));
      if ((await redis.set(claimKey(db), String(pid), 'EX', 3600, 'NX')) === 'OK') claimed.push(db);
    }
    if (claimed.length < count) {
      await releaseRedisDbs(pid, claimed);
      throw new Error(
        `only ${claimed.length} of ${count} Redis databases are free for tests (other runs hold the rest)`,
      );
    }
    return claimed;
  } finally {
    redis.disconnect();
  }
}

/** Gives the databases back (only those still claimed by `pid`). */
export async function releaseRedisDbs(pid: number, dbs: number[]): Promise<void> {
  const redis = new Redis(`${REDIS_BASE}/0`, { lazyConnect: true });
  await redis.connect();
  try {
    for (const db of dbs) {
      if ((await redis.get(claimKey(db))) === String(pid)) await redis.del(claimKey(db));
    }
  } finally {
    redis.disconnect();
  }
}

const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

/** Every key matching `pattern` (glob) on the servers holding data: the client itself, or each Cluster master. */
export async function redisKeys(client: Redis | Cluster, pattern: string): Promise<string[]> {
  if (!(client instanceof Cluster)) return client.keys(pattern);
  const found = await Promise.all(client.nodes('master').map((node) => node.keys(pattern)));
  return found.flat();
}

/**
 * Empties this worker's Redis data before a test: FLUSHDB of its db, or in a
 * Cluster, deletes the keys under its `keyPrefix` on every master (one by
 * one: they span slots). Does nothing while the client is not connected.
 */
export async function resetRedis(client: Redis | Cluster, keyPrefix: string): Promise<void> {
  if (client.status !== 'ready') return;
  if (!(client instanceof Cluster)) {
    await client.flushdb();
    return;
  }
  await Promise.all(
    client.nodes('master').map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(keyPrefix)}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await Promise.all(keys.map((name) => node.unlink(name)));
      } while (cursor !== '0');
    }),
  );
}
