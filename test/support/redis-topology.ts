/**
 * The Redis topology the suite runs on (TEST_REDIS_TOPOLOGY): `plain` (the
 * machine's Redis, a claimed logical db per worker; the default and what CI
 * runs), `cluster` (a 3-master Redis Cluster of our own, db 0 only: each
 * worker gets its own REDIS_KEY_PREFIX) or `sentinel` (a master, a replica
 * and 3 Sentinels of our own: a db per worker). The servers are Debian's
 * `redis-server` (Sentinel is its `--sentinel` mode) on private ports, with
 * their files under /tmp; global-setup.ts starts and stops them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Which Redis setup the suite runs on. */
export const REDIS_TOPOLOGY = (process.env.TEST_REDIS_TOPOLOGY || 'plain') as 'plain' | 'cluster' | 'sentinel';
if (!['plain', 'cluster', 'sentinel'].includes(REDIS_TOPOLOGY)) {
  throw new Error(`TEST_REDIS_TOPOLOGY: expected plain, cluster or sentinel (got ${REDIS_TOPOLOGY})`);
}

/** Private ports of the topologies' servers (one such run at a time per machine). */
export const REDIS_PORTS = {
  cluster: [16701, 16702, 16703],
  master: 16711,
  replica: 16712,
  sentinels: [16721, 16722, 16723],
} as const;

/** The master name the test Sentinels monitor. */
export const SENTINEL_NAME = 'emporium-test';

/** What global setup tells the workers about the Redis topology. */
export interface RedisTestTopology {
  kind: typeof REDIS_TOPOLOGY;
}

declare module 'vitest' {
  interface ProvidedContext {
    redisTopology: RedisTestTopology;
  }
}

const hostPorts = (ports: readonly number[]): string => ports.map((port) => `127.0.0.1:${port}`).join(',');

/**
 * The Redis settings of worker `poolId`: its claimed db of the machine's
 * Redis (plain), its own key prefix on the test Cluster, or its own db
 * behind the test Sentinels.
 */
export function workerRedisEnv(topology: RedisTestTopology, poolId: number, plainUrl: string): Record<string, string> {
  if (topology.kind === 'cluster') {
    return {
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_CLUSTER_NODES: hostPorts(REDIS_PORTS.cluster),
      REDIS_KEY_PREFIX: `emporium-w${poolId}:`,
    };
  }
  if (topology.kind === 'sentinel') {
    return {
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORTS.master}/${poolId}`,
      REDIS_SENTINELS: hostPorts(REDIS_PORTS.sentinels),
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
    };
  }
  return { REDIS_URL: plainUrl };
}

/** A group of redis-server processes started by this process, with their files in `dir`. */
export interface RedisGroup {
  dir: string;
  processes: ChildProcess[];
}

/** Starts `redis-server` with `args` (and `--sentinel` for a Sentinel); resolves once it answers PING. */
async function startServer(group: RedisGroup, port: number, args: string[]): Promise<void> {
  const child = spawn('redis-server', args, { cwd: group.dir, stdio: ['ignore', 'ignore', 'inherit'] });
  group.processes.push(child);
  await untilAnswers(port);
}

/** Waits until the server on `port` answers PING. */
async function untilAnswers(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`redis on port ${port} did not start: ${(error as Error).message}`, { cause: error });
      await sleep(50);
    } finally {
      client.disconnect();
    }
  }
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs one command on the server on `port`. */
export async function command(port: number, name: string, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(name, ...args);
  } finally {
    client.disconnect();
  }
}

const common = (port: number): string[] => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
];

/** Starts a 3-master Redis Cluster on `ports` (no replicas) and waits until every node says `cluster_state:ok`. */
export async function startCluster(dir: string, ports: readonly number[] = REDIS_PORTS.cluster): Promise<RedisGroup> {
  const group = freshGroup(dir);
  for (const port of ports) {
    await startServer(group, port, [
      ...common(port),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '2000',
    ]);
  }
  await runCli([
    '--cluster',
    'create',
    ...ports.map((port) => `127.0.0.1:${port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  for (const port of ports) {
    await until(`cluster node ${port}`, async () =>
      String(await command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
    );
  }
  return group;
}

/**
 * Starts a master and a replica (`REDIS_PORTS.master`/`replica` or the
 * given ports) and three Sentinels monitoring them as `name` (quorum 2,
 * down after 1 s), and waits until every Sentinel knows the replica.
 */
export async function startSentinels(
  dir: string,
  ports: { master: number; replica: number; sentinels: readonly number[] } = REDIS_PORTS,
  name: string = SENTINEL_NAME,
): Promise<RedisGroup> {
  const group = freshGroup(dir);
  await startServer(group, ports.master, common(ports.master));
  await startServer(group, ports.replica, [...common(ports.replica), '--replicaof', '127.0.0.1', String(ports.master)]);
  for (const port of ports.sentinels) {
    // A Sentinel rewrites its config file: each gets its own.
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${name} 127.0.0.1 ${ports.master} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    await startServer(group, port, [conf, '--sentinel']);
  }
  for (const port of ports.sentinels) {
    await until(`sentinel ${port} to see the replica`, async () => {
      const replicas = (await command(port, 'SENTINEL', 'REPLICAS', name)) as unknown[];
      const sentinels = (await command(port, 'SENTINEL', 'SENTINELS', name)) as unknown[];
      return replicas.length === 1 && sentinels.length === ports.sentinels.length - 1;
    });
  }
  return group;
}

/** Stops a group's servers (SIGTERM, then SIGKILL) and removes its files. */
export async function stopGroup(group: RedisGroup | undefined): Promise<void> {
  if (!group) return;
  await Promise.all(
    group.processes.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  rmSync(group.dir, { recursive: true, force: true });
}

function freshGroup(dir: string): RedisGroup {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, processes: [] };
}

function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli ${args.join(' ')}: ${stderr}`))));
  });
}

let running: RedisGroup | undefined;

/** Starts the servers of TEST_REDIS_TOPOLOGY for test run `runPid` (none for plain). */
export async function startRedisTopology(runPid: number): Promise<RedisTestTopology> {
  const dir = `/tmp/emporium-redis-${REDIS_TOPOLOGY}-${runPid}`;
  if (REDIS_TOPOLOGY === 'cluster') running = await startCluster(dir);
  if (REDIS_TOPOLOGY === 'sentinel') running = await startSentinels(dir);
  return { kind: REDIS_TOPOLOGY };
}

/** Stops what startRedisTopology started. */
export async function stopRedisTopology(): Promise<void> {
  await stopGroup(running);
  running = undefined;
}

/**
 * Points this worker's app at one plain Redis server at `url`, whatever
 * TEST_REDIS_TOPOLOGY is: for tests that take their own Redis down (call it
 * before importing the app). Drops the Sentinel/Cluster settings and the
 * Cluster's per-worker key prefix.
 */
export function useSingleRedis(url: string): void {
  process.env.REDIS_URL = url;
  for (const name of ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_CLUSTER_NODES', 'REDIS_KEY_PREFIX']) {
    delete process.env[name];
  }
}
