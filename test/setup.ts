/**
 * Runs in each worker before a test file's imports: points the app at this
 * worker's own database and Redis db (made and claimed by global-setup.ts),
 * quiet logs and cheap bcrypt. The values go through the normal config
 * module, like any deployment's.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { REDIS_BASE, TOPOLOGY, appDatabaseUrl, databaseUrl, replicaUrl, workerDb } from './support/databases.js';
import { workerRedisEnv } from './support/redis-topology.js';

const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
const { runPid, redisDbs } = inject('testRun');

process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = appDatabaseUrl(workerDb(runPid, poolId));
// TEST_DB_TOPOLOGY (test/support/pg-topology.ts): through PgBouncer, or with a streaming replica.
if (TOPOLOGY === 'pgbouncer') {
  process.env.DB_POOL_MODE = 'transaction';
  process.env.DATABASE_DIRECT_URL = databaseUrl(workerDb(runPid, poolId));
}
if (TOPOLOGY === 'replica') process.env.DATABASE_REPLICA_URLS = replicaUrl(workerDb(runPid, poolId));
// TEST_REDIS_TOPOLOGY (test/support/redis-topology.ts): a claimed db, or the run's own Cluster or Sentinel.
Object.assign(process.env, workerRedisEnv(inject('redisTopology'), poolId, `${REDIS_BASE}/${redisDbs[poolId - 1]}`));
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.BCRYPT_COST = '4';
process.env.DB_POOL_MAX = '5';
// Each worker bundles the admin panel's components into a folder of its own.
process.env.ADMIN_JS_TMP_DIR = join(tmpdir(), `emporium-adminjs-${runPid}-${poolId}`);
