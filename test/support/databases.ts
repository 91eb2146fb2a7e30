/**
 * Names and URLs of the test databases. Tests never touch the development
 * database: they use `emporium_test_*` databases on the same server (override
 * the server with TEST_DATABASE_URL) and Redis logical databases 10 and up.
 */
const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/emporium_test');

/** URL of a database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Name of the migrated template every worker database is cloned from. */
export const TEMPLATE_DB = `${base.pathname.slice(1)}_template`;

/** Name of the database of vitest worker `poolId`. */
export const workerDb = (poolId: number): string => `${base.pathname.slice(1)}_${poolId}`;

/** URL of the server's maintenance database (for CREATE/DROP DATABASE). */
export const MAINTENANCE_URL = databaseUrl('postgres');

/** Redis URL for vitest worker `poolId` (logical databases 10..15). */
export const workerRedisUrl = (poolId: number): string =>
  process.env.TEST_REDIS_URL_BASE
    ? `${process.env.TEST_REDIS_URL_BASE}/${9 + poolId}`
    : `redis://127.0.0.1:6379/${9 + poolId}`;
