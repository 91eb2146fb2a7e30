/**
 * Names and URLs of the test databases. Tests never touch the development
 * database: each `vitest run` creates `emporium_test_<pid>_*` databases on
 * the same server (override the server with TEST_DATABASE_URL) and claims
 * Redis logical databases of its own (1 to 15; db 0 is left to development),
 * so even two test runs at once on one machine cannot disturb each other.
 */

/** Which PostgreSQL setup the suite runs on (test/support/pg-topology.ts): plain, pgbouncer or replica. */
export const TOPOLOGY = (process.env.TEST_DB_TOPOLOGY || 'plain') as 'plain' | 'pgbouncer' | 'replica';
if (!['plain', 'pgbouncer', 'replica'].includes(TOPOLOGY)) {
  throw new Error(`TEST_DB_TOPOLOGY: expected plain, pgbouncer or replica (got ${TOPOLOGY})`);
}

/** The private ports of the topologies' own processes (one such run at a time per machine). */
export const PG_PORTS = { pgbouncer: 16432, primary: 16541, replica: 16542, spare: 16543 } as const;

// The replica topology runs on a primary cluster of its own (its replicas need one we may configure).
const base = new URL(
  TOPOLOGY === 'replica'
    ? `postgres://postgres@127.0.0.1:${PG_PORTS.primary}/emporium_test`
    : (process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/emporium_test'),
);
const stem = base.pathname.slice(1);

/** URL of database `name` on the test server (the primary), always a direct connection. */
export const serverUrl = (name: string): string => databaseUrl(name);

/** URL the app under test connects to for database `name`: through PgBouncer in that topology, else direct. */
export function appDatabaseUrl(name: string): string {
  if (TOPOLOGY !== 'pgbouncer') return databaseUrl(name);
  const url = new URL(databaseUrl(name));
  url.hostname = '127.0.0.1';
  url.port = String(PG_PORTS.pgbouncer);
  return url.toString();
}

/** URL of database `name` on a replica of the replica topology (`replica`: the suite's; `spare`: the one to stop). */
export function replicaUrl(name: string, which: 'replica' | 'spare' = 'replica'): string {
  const url = new URL(databaseUrl(name));
  url.port = String(PG_PORTS[which]);
  return url.toString();
}

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
