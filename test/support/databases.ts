/**
 * Names and URLs of the test databases. Tests never touch the development
 * database: each `vitest run` creates `emporium_test_<pid>_*` databases on
 * the same server (override the server with TEST_DATABASE_URL) and claims
 * Redis logical databases of its own (1 to 15; db 0 is left to development),
 * so even two test runs at once on one machine cannot disturb each other.
 */
const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/emporium_test');
const stem = base.pathname.slice(1);

/** URL of a database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Prefix of every database made by the test run of process `runPid`. */
export const runPrefix = (runPid: number): string => `${stem}_${runPid}`;

/** Name of the migrated template the run's worker databases are cloned from. */
export const templateDb = (runPid: number): string => `${runPrefix(runPid)}_template`;

/** Name of the database of vitest worker `poolId` in run `runPid`. */
export const workerDb = (runPid: number, poolId: number): string => `${runPrefix(runPid)}_${poolId}`;

/** The pid in a test database's name, if it is one of ours. */
export function runPidOf(database: string): number | undefined {
  const match = new RegExp(`^${stem}_(\\d+)_`).exec(database);
  return match ? Number(match[1]) : undefined;
}

/** URL of the server's maintenance database (for CREATE/DROP DATABASE). */
export const MAINTENANCE_URL = databaseUrl('postgres');

/** Base URL of the test Redis server (no db number). */
export const REDIS_BASE = process.env.TEST_REDIS_URL_BASE ?? 'redis://127.0.0.1:6379';

/** What global setup tells the workers about this run. */
export interface TestRun {
  runPid: number;
  /** Redis logical database per worker (index = poolId - 1). */
  redisDbs: number[];
}

declare module 'vitest' {
  interface ProvidedContext {
    testRun: TestRun;
  }
}
