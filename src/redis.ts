/**
 * The ioredis client, for whichever topology the config names: one server
 * (REDIS_URL), a master found through Sentinel (followed across failovers),
 * or a Redis Cluster. It fails fast when Redis is down: no offline queue (a
 * command fails at once instead of waiting for a reconnect), a per-command
 * timeout, and a capped reconnect backoff that never gives up. The cache
 * helpers built on it are in cache.ts.
 *
 * In a Cluster, every command and script must keep to one hash slot. Keys
 * that are used together carry the same hash tag (`hashTag`, `{...}` in the
 * name); `mget` and `slotGroups` split what may span slots.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { type RedisNode, type RedisTopology, config } from './config.js';
import { logger } from './logger.js';

/** The client type the app uses: a single-server/Sentinel client or a Cluster client (they share the command API). */
export type RedisClient = Redis | Cluster;

/** Connection settings of a data node that REDIS_URL gives: credentials, TLS and (outside a Cluster) the db. */
export function dataNodeOptions(url: string = config.redis.url): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || '0'),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

const seeds = (nodes: RedisNode[]) => nodes.map(({ host, port }) => ({ host, port }));

/**
 * Options that locate the Redis master: the data node itself, or the
 * Sentinels and master name (ioredis asks them for the current master on
 * every connect, so after a failover it reconnects to the new one). Not for
 * a Cluster, which needs a `Cluster` client (see `createClient`).
 */
export function masterOptions(topology: RedisTopology = config.redis.topology): RedisOptions {
  const node = dataNodeOptions();
  if (topology.kind !== 'sentinel') return node;
  const { host: _host, port: _port, ...credentials } = node;
  return {
    ...credentials,
    sentinels: seeds(topology.sentinels),
    name: topology.name,
    role: 'master',
    // Subscribes to the Sentinels' +switch-master, so a failover is followed at once.
    failoverDetector: true,
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...(node.tls ? { enableTLSForSentinelMode: true } : {}),
  };
}

/**
 * A client for the configured topology with `options` on top of the
 * connection settings. For a Cluster, `options` go to every node's
 * connection and `clusterOptions` to the Cluster client.
 */
export function createClient(options: RedisOptions, clusterOptions: ClusterOptions = {}): RedisClient {
  const { topology } = config.redis;
  if (topology.kind !== 'cluster') return new Redis({ ...masterOptions(topology), ...options });
  const { host: _host, port: _port, db: _db, ...credentials } = dataNodeOptions();
  const { lazyConnect, enableAutoPipelining, enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  return new Cluster(seeds(topology.nodes), {
    lazyConnect,
    enableAutoPipelining,
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy ? (attempt) => retryStrategy(attempt) : undefined,
    ...clusterOptions,
    redisOptions: { ...credentials, ...nodeOptions },
  });
}

/** The Redis client of this process (connects on first use or via `connectRedis`). */
export const redis: RedisClient = createClient(
  {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    // A master demoted by a failover answers writes READONLY: reconnect (through the Sentinels) at once.
    reconnectOnError: (error) => config.redis.topology.kind === 'sentinel' && error.message.startsWith('READONLY'),
  },
  { slotsRefreshTimeout: 2_000 },
);

/** True when this process talks to a Redis Cluster (commands must keep to one slot). */
export const isCluster = config.redis.topology.kind === 'cluster';

let lastErrorLog = 0;
redis.on('error', (error: Error) => {
  // Reconnects retry many times per second while Redis is down; log at most every 10 s.
  const now = Date.now();
  if (now - lastErrorLog > 10_000) {
    lastErrorLog = now;
    logger.warn({ err: { message: error.message } }, 'redis unavailable');
  }
});
redis.on('ready', () => logger.info({ topology: config.redis.topology.kind }, 'redis connected'));

/** Starts the connection without failing start-up when Redis is down (it keeps retrying). */
export async function connectRedis(): Promise<void> {
  if (redis.status !== 'wait') return;
  try {
    await redis.connect();
  } catch {
    // Logged by the 'error' handler; ioredis keeps reconnecting in the background.
  }
}

/** True when the client is connected and can run commands. */
export const redisReady = (): boolean => redis.status === 'ready';

/** Namespaces a key under REDIS_KEY_PREFIX: `key('cache', 'categories')` → `emporium:cache:categories`. */
export const key = (...parts: (string | number)[]): string => `${config.redis.keyPrefix}${parts.join(':')}`;

/**
 * A hash tag for a key part: keys whose first tag is the same live in one
 * Cluster slot, so a script, transaction or MGET may use them together.
 * Harmless outside a Cluster (the braces are part of the name).
 */
export const hashTag = (name: string | number): string => `{${name}}`;

/**
 * What Redis Cluster hashes of `redisKey`: the text between its first `{`
 * and the next `}` when that is not empty, else the whole key. Keys with the
 * same answer share a slot.
 */
export function slotName(redisKey: string): string {
  const open = redisKey.indexOf('{');
  if (open === -1) return redisKey;
  const close = redisKey.indexOf('}', open + 1);
  return close > open + 1 ? redisKey.slice(open + 1, close) : redisKey;
}

/** True when `redisKey` carries a hash tag (and so shares its slot with every key of the same tag). */
export const hasHashTag = (redisKey: string): boolean => slotName(redisKey) !== redisKey;

/**
 * `keys` grouped so that each group may go into one multi-key command: one
 * group outside a Cluster, one per slot name in it.
 */
export function slotGroups(keys: string[]): string[][] {
  if (!isCluster) return keys.length === 0 ? [] : [keys];
  const groups = new Map<string, string[]>();
  for (const redisKey of keys) {
    const name = slotName(redisKey);
    const group = groups.get(name);
    if (group) group.push(redisKey);
    else groups.set(name, [redisKey]);
  }
  return [...groups.values()];
}

/**
 * MGET of `keys` (none: no round trip). Commands of one event-loop round go
 * to Redis as one pipeline (the client's `enableAutoPipelining`). In a
 * Cluster the keys may span slots: each is a GET, pipelined per node, so it
 * is still one round trip to each node involved.
 */
export const mget = (keys: string[]): Promise<(string | null)[]> => {
  if (keys.length === 0) return Promise.resolve([]);
  if (isCluster) return Promise.all(keys.map((redisKey) => redis.get(redisKey)));
  return redis.mget(keys);
};

/** The servers that hold data: every master of a Cluster, else the one client. */
export const masters = (): Redis[] => (redis instanceof Cluster ? redis.nodes('master') : [redis]);
