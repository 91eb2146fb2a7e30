/**
 * The PostgreSQL topologies the suite can run on (TEST_DB_TOPOLOGY), started
 * and stopped by test/global-setup.ts as local processes on private ports:
 *
 * - `plain` (default, CI): the machine's server, nothing started;
 * - `pgbouncer`: Debian's PgBouncer in transaction mode in front of the test
 *   server; the app connects through it (DB_POOL_MODE=transaction), the
 *   test helpers and migrations directly;
 * - `replica`: a primary cluster of our own (initdb) with two streaming
 *   replicas (pg_basebackup): the suite's replica is synchronous with
 *   remote_apply, so a commit is visible on it before the client hears of
 *   it (the suite's read-after-write checks stay exact); the spare replica
 *   is asynchronous, for pg-topology.test.ts to stop.
 *
 * PostgreSQL and PgBouncer refuse to run as root: as root they run as the
 * `postgres` user.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PG_PORTS, TOPOLOGY, serverUrl } from './databases.js';

interface PoolSettings {
  applyRoleTimeouts: (
    client: pg.Client,
    options: { role: string | undefined; statementTimeoutMs: number },
  ) => Promise<void>;
}
const { applyRoleTimeouts } = createRequire(import.meta.url)('../../db/pool-settings.cjs') as PoolSettings;

/** The statement timeout the suite's app runs with (config's default; setup.ts leaves it). */
const STATEMENT_TIMEOUT_MS = 5000;

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

/** Where a topology keeps its files, per run. */
const workDir = (runPid: number): string => join('/tmp', `emporium-pg-${TOPOLOGY}-${runPid}`);

/** Data directory of one cluster of the replica topology. */
export const clusterDir = (runPid: number, name: 'primary' | 'replica' | 'spare'): string =>
  join(workDir(runPid), name);

/** uid/gid to run the servers as: root's processes run as `postgres`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs a postgres user to run PostgreSQL and PgBouncer as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function ownDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const user = serverUser();
  if (user) chownSync(path, user.uid, user.gid);
}

/** Runs a PostgreSQL tool as the server user; rejects with its output. */
async function tool(name: string, args: string[]): Promise<void> {
  try {
    await run(join(BIN, name), args, { ...serverUser(), cwd: '/tmp', timeout: 120_000 });
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${name} ${args.join(' ')} failed: ${failure.stderr ?? ''}${failure.stdout ?? ''}`, {
      cause: error,
    });
  }
}

/** Resolves once a server answers on `port` (or throws after `seconds`). */
async function waitForServer(port: number, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`nothing answers on port ${port}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Fails early, with a clear message, when another run holds one of our ports. */
async function portFree(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 1000 });
  const taken = await client.connect().then(
    () => true,
    (error: { code?: string }) => error.code !== 'ECONNREFUSED',
  );
  await client.end().catch(() => undefined);
  if (taken) throw new Error(`port ${port} is in use: another TEST_DB_TOPOLOGY=${TOPOLOGY} run is under way?`);
}

let pgbouncer: ChildProcess | undefined;

/** Starts PgBouncer (transaction mode) in front of the test server. */
async function startPgbouncer(runPid: number): Promise<void> {
  const dir = workDir(runPid);
  const server = new URL(serverUrl('postgres'));
  await portFree(PG_PORTS.pgbouncer);
  ownDir(dir);
  writeFileSync(join(dir, 'userlist.txt'), `"${decodeURIComponent(server.username) || 'postgres'}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${PG_PORTS.pgbouncer}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 400',
      'default_pool_size = 8',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const user = serverUser();
  if (user) for (const file of ['userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), user.uid, user.gid);
  pgbouncer = spawn(PGBOUNCER, [join(dir, 'pgbouncer.ini')], { ...user, stdio: 'ignore' });
  await waitForServer(PG_PORTS.pgbouncer);
}

/** initdb + start of the primary, then a replica per name by pg_basebackup. */
async function startReplicaSet(runPid: number): Promise<void> {
  for (const port of [PG_PORTS.primary, PG_PORTS.replica, PG_PORTS.spare]) await portFree(port);
  ownDir(workDir(runPid));
  const primary = clusterDir(runPid, 'primary');
  await tool('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  writeFileSync(
    join(primary, 'postgresql.auto.conf'),
    [
      `port = ${PG_PORTS.primary}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${workDir(runPid)}'`,
      'max_connections = 200',
      'wal_level = replica',
      'max_wal_senders = 10',
      'fsync = off',
      'synchronous_commit = remote_apply',
      "synchronous_standby_names = 'replica'",
      '',
    ].join('\n'),
  );
  await startCluster(runPid, 'primary');
  for (const name of ['replica', 'spare'] as const) {
    const dir = clusterDir(runPid, name);
    await tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(PG_PORTS.primary), '-U', 'postgres', '-D', dir]);
    writeFileSync(join(dir, 'standby.signal'), '');
    writeFileSync(
      join(dir, 'postgresql.auto.conf'),
      [
        `port = ${PG_PORTS[name]}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${workDir(runPid)}'`,
        'max_connections = 200',
        'fsync = off',
        'hot_standby = on',
        `primary_conninfo = 'host=127.0.0.1 port=${PG_PORTS.primary} user=postgres application_name=${name}'`,
        '',
      ].join('\n'),
    );
    await startCluster(runPid, name);
  }
}

/** pg_ctl start of one cluster of the replica topology (waits until it accepts connections). */
export async function startCluster(runPid: number, name: 'primary' | 'replica' | 'spare'): Promise<void> {
  const dir = clusterDir(runPid, name);
  await tool('pg_ctl', ['-D', dir, '-l', join(workDir(runPid), `${name}.log`), '-w', '-t', '60', 'start']);
  await waitForServer(PG_PORTS[name]);
}

/** pg_ctl stop (fast) of one cluster; a cluster that is not running is fine. */
export async function stopCluster(runPid: number, name: 'primary' | 'replica' | 'spare'): Promise<void> {
  const dir = clusterDir(runPid, name);
  if (!existsSync(join(dir, 'postmaster.pid'))) return;
  await tool('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
}

/** Starts what TEST_DB_TOPOLOGY needs (nothing for plain). */
export async function startTopology(runPid: number): Promise<void> {
  try {
    if (TOPOLOGY === 'pgbouncer') await startPgbouncer(runPid);
    if (TOPOLOGY === 'replica') await startReplicaSet(runPid);
  } catch (error) {
    await stopTopology(runPid);
    throw error;
  }
}

/** Stops what startTopology started and removes its files. */
export async function stopTopology(runPid: number): Promise<void> {
  if (pgbouncer) {
    const exited = new Promise((resolve) => pgbouncer!.once('exit', resolve));
    pgbouncer.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    pgbouncer = undefined;
  }
  if (TOPOLOGY === 'replica') {
    for (const name of ['spare', 'replica', 'primary'] as const) await stopCluster(runPid, name);
  }
  if (TOPOLOGY !== 'plain') rmSync(workDir(runPid), { recursive: true, force: true });
}

/**
 * Through PgBouncer, the app's single statements get their timeouts from the
 * role's settings in each worker database, as db/migrate-and-seed.cjs sets
 * them in a deployment.
 */
export async function applyWorkerSettings(databases: string[]): Promise<void> {
  if (TOPOLOGY !== 'pgbouncer') return;
  for (const database of databases) {
    const client = new pg.Client({ connectionString: serverUrl(database) });
    await client.connect();
    try {
      await applyRoleTimeouts(client, { role: undefined, statementTimeoutMs: STATEMENT_TIMEOUT_MS });
    } finally {
      await client.end();
    }
  }
}
