/**
 * Runs in each worker before a test file's imports: points the app at this
 * worker's own database and Redis db, quiet logs and cheap bcrypt. The
 * values go through the normal config module, like any deployment's.
 */
import { databaseUrl, workerDb, workerRedisUrl } from './support/databases.js';

const poolId = Number(process.env.VITEST_POOL_ID ?? '1');

process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = databaseUrl(workerDb(poolId));
process.env.REDIS_URL = workerRedisUrl(poolId);
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.BCRYPT_COST = '4';
process.env.DB_POOL_MAX = '5';
