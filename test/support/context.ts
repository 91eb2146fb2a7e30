/**
 * Shared test lifecycle: one app per test file, a clean database and Redis
 * db before every test, connections closed at the end, and every response
 * checked against the served /openapi.json (support/openapi-contract.ts).
 */
import type { RequestListener } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createRequestListener } from '../../src/app.js';
import { config } from '../../src/config.js';
import { sequelize } from '../../src/db.js';
import { connectRedis, redis } from '../../src/redis.js';
import { resetRedis } from './redis-claims.js';
import { useContractChecks, validatedListener } from './contract-checks.js';

const TABLES = ['admin_logs', 'reviews', 'order_items', 'orders', 'carts', 'products', 'categories', 'users'];

/** Empties every table (ids restart at 1) and this worker's Redis db. */
export async function resetState(): Promise<void> {
  await sequelize.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  await resetRedis(redis, config.redis.keyPrefix);
}

/** Registers the hooks and returns a handle whose `app` (its responses checked against the spec) is ready inside tests. */
export function useTestApp(): { app: RequestListener } {
  const handle = {} as { app: RequestListener };
  useContractChecks();
  beforeAll(async () => {
    await connectRedis();
    handle.app = validatedListener(createRequestListener());
  });
  beforeEach(resetState);
  afterAll(async () => {
    await Promise.allSettled([sequelize.close(), redis.quit()]);
  });
  return handle;
}
