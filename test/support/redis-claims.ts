/**
 * Each test run claims Redis logical databases for its workers, so that two
 * runs at once never flush each other's data. A claim is a key in db 0
 * (`emporium-test-claim:<db>` = the run's pid, expiring after an hour); a
 * claim whose process is gone may be taken over.
 */
import { Redis } from 'ioredis';
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
