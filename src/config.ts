/**
 * The one typed configuration object. Nothing else in the app reads
 * `process.env`: every setting is parsed and validated here, once, at start.
 * A missing or bad value stops the process with a message that names the
 * variable and what is expected.
 */
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

interface EnvFiles {
  loadEnvFiles(): void;
  developmentDefaults(): Record<string, string>;
}
const envFiles = createRequire(import.meta.url)('../db/env.cjs') as EnvFiles;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SIZE = /^\d+(b|kb|mb)?$/i;

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));
const flag = z.enum(['true', 'false'], 'expected true or false').transform((value) => value === 'true');
const url = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL such as ${example}` },
  );

/**
 * TRUST_PROXY: a hop count (0-10), or a comma-separated list of the proxies'
 * addresses, subnets (CIDR) and Express's names `loopback`, `linklocal`,
 * `uniquelocal`. A list is the safe choice: X-Forwarded-For then counts only
 * when the connection comes from one of them, so a client that reaches an
 * instance directly cannot choose its own address.
 */
const trustedProxies = z.string().transform((value, context): number | string[] => {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 10) return hops;
  } else {
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.every((entry) => entry !== '' && isProxyAddress(entry))) return entries;
  }
  context.addIssue({
    code: 'custom',
    message: 'expected a hop count from 0 to 10, or proxy addresses/subnets such as "10.0.0.0/8, loopback"',
  });
  return z.NEVER;
});

/** An address, a CIDR subnet or one of Express's named ranges (what proxy-addr compiles). */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address || !ipaddr.isValid(address)) return false;
  if (bits === undefined) return true;
  const max = ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}

/** DATABASE_REPLICA_URLS: comma-separated PostgreSQL URLs of read replicas (empty: none). */
const replicaUrls = z.string().transform((value, context): string[] => {
  const urls = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = urls.findIndex((entry) => {
    try {
      return !['postgres:', 'postgresql:'].includes(new URL(entry).protocol);
    } catch {
      return true;
    }
  });
  if (bad === -1) return urls;
  context.addIssue({ code: 'custom', message: `expected postgres:// URLs separated by commas (entry ${bad + 1})` });
  return z.NEVER;
});

/** A Redis node address as `host:port` (IPv6 hosts in brackets: `[::1]:6379`). */
export interface RedisNode {
  host: string;
  port: number;
}

/** REDIS_SENTINELS / REDIS_CLUSTER_NODES: comma-separated `host:port` addresses (empty: none). */
const redisNodes = z.string().transform((value, context): RedisNode[] => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const nodes = entries.map((entry) => /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry));
  const bad = nodes.findIndex((match) => !match || Number(match[3]) > 65535);
  if (bad === -1) return nodes.map((match) => ({ host: match![1] ?? match![2]!, port: Number(match![3]) }));
  context.addIssue({ code: 'custom', message: `expected host:port addresses separated by commas (entry ${bad + 1})` });
  return z.NEVER;
});

/**
 * The hand-made fast paths, each of which bypasses a library's ordinary way
 * for a measured gain (the figure is next to each). FAST_PATHS_OFF turns
 * some off, so that the benchmark can measure what each is worth
 * (`npm run bench -- --ablate <name>`).
 */
export const FAST_PATHS = ['hot-responses', 'round-batch', 'stock-gate', 'raw-queries'] as const;

/** One of FAST_PATHS. */
export type FastPath = (typeof FAST_PATHS)[number];

const fastPathList = z.string().transform((value, context): FastPath[] => {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.find((name) => !(FAST_PATHS as readonly string[]).includes(name));
  if (unknown === undefined) return names as FastPath[];
  context.addIssue({ code: 'custom', message: `expected names from ${FAST_PATHS.join(', ')} (got ${unknown})` });
  return z.NEVER;
});

/**
 * The environment variables Emporium reads, with their validation rules and
 * production-safe defaults. Secrets have no default here: in development they
 * come from `.env.example`, in production from the operator.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: int(0, 65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url(['http:', 'https:'], 'https://shop.example.com').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/emporium').default(
    'postgres://postgres@127.0.0.1:5432/emporium',
  ),
  DB_POOL_MAX: int(1, 200).default(10),
  DB_ACQUIRE_TIMEOUT_MS: int(100, 60_000).default(3000),
  DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(5000),
  DB_POOL_MODE: z.enum(['session', 'transaction'], 'expected session or transaction').default('session'),
  DATABASE_DIRECT_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/emporium').optional(),
  DATABASE_REPLICA_URLS: replicaUrls.default([]),
  DB_REPLICA_CONNECT_TIMEOUT_MS: int(50, 60_000).default(1000),
  DB_REPLICA_RETRY_SECONDS: int(1, 3_600).default(10),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0').default('redis://127.0.0.1:6379/0'),
  REDIS_KEY_PREFIX: z.string().max(64).default('emporium:'),
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(500),
  REDIS_SENTINELS: redisNodes.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).max(200).optional(),
  REDIS_CLUSTER_NODES: redisNodes.optional(),
  CACHE_TTL_SECONDS: int(0, 86_400).default(300),
  LIST_CACHE_TTL_SECONDS: int(1, 3_600).default(30),
  CALLER_CACHE_TTL_SECONDS: int(1, 300).default(5),
  JWT_SECRET: z.string(),
  JWT_ISSUER: z.string().min(1).max(255).default('emporium'),
  JWT_AUDIENCE: z.string().min(1).max(255).default('emporium-api'),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 90 * 86_400).default(604_800),
  REFRESH_REUSE_GRACE_SECONDS: int(0, 60).default(10),
  SESSION_SECRET: z.string(),
  BCRYPT_COST: int(4, 15).default(12),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(900),
  LOGIN_ACCOUNT_MAX_FAILURES: int(1, 10_000).default(20),
  LOGIN_ACCOUNT_WINDOW_SECONDS: int(1, 604_800).default(3_600),
  AUTH_RATE_LIMIT: int(1, 100_000).default(60),
  AUTH_RATE_WINDOW_SECONDS: int(1, 86_400).default(60),
  TRUST_PROXY: trustedProxies.default(0),
  COOKIE_SECURE: flag.optional(),
  JSON_BODY_LIMIT: z.string().regex(SIZE, 'expected a size such as 100kb').default('100kb'),
  METRICS_TOKEN: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000),
  PENDING_ORDER_TTL_MINUTES: int(1, 10_080).default(30),
  ORDER_EXPIRY_SWEEP_SECONDS: int(1, 3_600).default(15),
  MAX_PENDING_ORDERS: int(1, 1_000).default(3),
  MAX_UNITS_PER_LINE: int(1, 999).default(50),
  MAX_UNITS_PER_ORDER: int(1, 100_000).default(200),
  JOBS_ENABLED: flag.default(true),
  FAST_PATHS_OFF: fastPathList.default([]),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
    .default('USD'),
  ADMIN_JS_TMP_DIR: z.string().min(1).default('.adminjs'),
  ADMIN_JS_SKIP_BUNDLE: flag.optional(),
});

/** Names of every variable the app reads (the seeders and compose read a few more; see .env.example). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

type Env = z.infer<typeof envSchema>;

/** The parsed, validated settings the app runs with. */
export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  http: {
    port: number;
    host: string;
    /** The address clients reach the API at (the spec's `servers`); unset: relative to wherever the spec was fetched. */
    publicUrl: string | undefined;
    jsonBodyLimit: string;
    /** Express `trust proxy`: a hop count, or the addresses/subnets of the proxies whose X-Forwarded-For counts. */
    trustProxy: number | string[];
    shutdownTimeoutMs: number;
  };
  logLevel: Env['LOG_LEVEL'];
  db: {
    url: string;
    poolMax: number;
    acquireTimeoutMs: number;
    statementTimeoutMs: number;
    /**
     * How DATABASE_URL is pooled: `session` (a connection of its own, or a session-mode pooler) or
     * `transaction` (PgBouncer's transaction mode: no startup parameters, no named prepared
     * statements, timeouts set per transaction and as role settings).
     */
    poolMode: 'session' | 'transaction';
    /** A connection that bypasses any pooler, for migrations and their advisory lock (DATABASE_URL unless set). */
    directUrl: string;
    /** Read replicas for reads that may be a moment stale (catalog, categories, hot products, admin lists). */
    replicaUrls: string[];
    /** How long a replica may take to connect before its reads go to the primary. */
    replicaConnectTimeoutMs: number;
    /** After a replica failed, how long its reads go to the primary before it is tried again. */
    replicaRetrySeconds: number;
  };
  redis: {
    /** Credentials, TLS (rediss:) and db of the data nodes; the host itself only in the `single` topology. */
    url: string;
    keyPrefix: string;
    commandTimeoutMs: number;
    topology: RedisTopology;
  };
  cache: {
    /** Master switch: CACHE_TTL_SECONDS=0 turns every Redis cache off (reads go to PostgreSQL). */
    enabled: boolean;
    /** Categories and product details: invalidated on every change, so they can live long. */
    ttlSeconds: number;
    /** Product lists, hot products and carts: they also show other shoppers' stock changes, so they live briefly. */
    listTtlSeconds: number;
    /**
     * The caller's account row (auth/caller.ts): dropped on every write through the app, so this
     * only bounds how long a change made behind the app's back (SQL) takes to be seen.
     */
    callerTtlSeconds: number;
  };
  auth: {
    jwtSecret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /**
     * Seconds after a rotation during which the refresh token just exchanged
     * gets the same successor again instead of counting as reuse (parallel
     * refreshes, retries; RFC 9700 §4.14.2). 0 turns the grace off.
     */
    refreshReuseGraceSeconds: number;
    bcryptCost: number;
    /** Failed logins allowed per (account, client address) within loginFailureWindowSeconds. */
    loginMaxFailures: number;
    loginFailureWindowSeconds: number;
    /** Failed logins allowed per account from all addresses together within accountFailureWindowSeconds. */
    accountMaxFailures: number;
    accountFailureWindowSeconds: number;
    /** Requests per IP to /api/v1/auth/* within rateWindowSeconds. */
    rateLimit: number;
    rateWindowSeconds: number;
  };
  session: {
    secret: string;
    cookieSecure: boolean;
  };
  metricsToken: string | undefined;
  orders: {
    /** How long an unpaid (pending) order holds its stock before it is cancelled. */
    pendingTtlMinutes: number;
    /** How often the job engine looks for unpaid orders past their deadline. */
    expirySweepSeconds: number;
    /** Unpaid orders one shopper may hold at once. */
    maxPending: number;
    /** Units of one product per cart line and order line. */
    maxUnitsPerLine: number;
    /** Units in one cart, and so in one order. */
    maxUnitsPerOrder: number;
  };
  jobs: {
    /** Run this process's background worker (BullMQ); false for instances that only serve requests. */
    enabled: boolean;
  };
  /** Which hand-made fast paths are on (all unless FAST_PATHS_OFF names them). */
  fastPaths: Record<FastPath, boolean>;
  admin: {
    /** ISO 4217 code the panel shows money in (prices are stored without one). */
    currency: string;
    /** Where AdminJS keeps the panel's component bundle (AdminJS reads the variable itself too). */
    bundleDir: string;
    /** Serve the bundle made at build time instead of bundling at start (production images set it). */
    skipBundle: boolean;
  };
}

/**
 * How Redis is deployed: one server (REDIS_URL), a master found through
 * Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME), or a Redis Cluster
 * (REDIS_CLUSTER_NODES, seed nodes; db 0 only).
 */
export type RedisTopology =
  | { kind: 'single' }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string }
  | { kind: 'cluster'; nodes: RedisNode[] };

/** The Redis topology the settings describe, or the problems that make it ambiguous. */
function redisTopology(env: Env): RedisTopology | string[] {
  const sentinels = env.REDIS_SENTINELS ?? [];
  const clusterNodes = env.REDIS_CLUSTER_NODES ?? [];
  if (sentinels.length > 0 && clusterNodes.length > 0) {
    return ['REDIS_SENTINELS and REDIS_CLUSTER_NODES: set one of them (Sentinel or Cluster), not both'];
  }
  if (sentinels.length > 0) {
    if (!env.REDIS_SENTINEL_NAME) return ['REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the master name)'];
    return { kind: 'sentinel', sentinels, name: env.REDIS_SENTINEL_NAME };
  }
  if (env.REDIS_SENTINEL_NAME) return ['REDIS_SENTINEL_NAME: needs REDIS_SENTINELS (the Sentinel addresses)'];
  if (clusterNodes.length > 0) {
    if (!['', '/', '/0'].includes(new URL(env.REDIS_URL).pathname)) {
      return ['REDIS_URL: a Redis Cluster has only db 0; leave the path empty or /0 with REDIS_CLUSTER_NODES'];
    }
    return { kind: 'cluster', nodes: clusterNodes };
  }
  return { kind: 'single' };
}

/** Thrown when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_MIN_BYTES = 32;

/** In production a secret must be long and must not be a documented default. */
function productionSecretProblems(env: Env, defaults: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const name of ['JWT_SECRET', 'SESSION_SECRET'] as const) {
    const value = env[name];
    if (Buffer.byteLength(value, 'utf8') < SECRET_MIN_BYTES) {
      problems.push(`${name}: must be at least ${SECRET_MIN_BYTES} bytes in production (openssl rand -base64 48)`);
    } else if (value === defaults[name] || /change-me|do-not-use/i.test(value)) {
      problems.push(`${name}: is the development default; set your own secret in production`);
    }
  }
  return problems;
}

/**
 * Parses and validates an environment. Pure: it throws ConfigError listing
 * every problem instead of exiting, so tests can call it directly.
 */
export function loadConfig(source: Record<string, string | undefined>, defaults: Record<string, string> = {}): Config {
  // An empty value (`PORT=`) means "not set", as in most env-file tooling.
  const present = Object.fromEntries(
    CONFIG_VARIABLES.map((name) => [name, source[name] === '' ? undefined : source[name]]),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const missing = present[name] === undefined;
        if (missing) return `${name}: is required`;
        // Never echo values that may carry credentials.
        const got = /SECRET|TOKEN|PASSWORD|URL/.test(name) ? '' : ` (got ${JSON.stringify(present[name])})`;
        return `${name}: ${issue.message}${got}`;
      }),
    );
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction) {
    const problems = productionSecretProblems(env, defaults);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const topology = redisTopology(env);
  if (Array.isArray(topology)) throw new ConfigError(topology);
  return {
    env: env.NODE_ENV,
    isProduction,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
      jsonBodyLimit: env.JSON_BODY_LIMIT,
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
    db: {
      url: env.DATABASE_URL,
      poolMax: env.DB_POOL_MAX,
      acquireTimeoutMs: env.DB_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      poolMode: env.DB_POOL_MODE,
      directUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL,
      replicaUrls: env.DATABASE_REPLICA_URLS,
      replicaConnectTimeoutMs: env.DB_REPLICA_CONNECT_TIMEOUT_MS,
      replicaRetrySeconds: env.DB_REPLICA_RETRY_SECONDS,
    },
    redis: {
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      topology,
    },
    cache: {
      enabled: env.CACHE_TTL_SECONDS > 0,
      ttlSeconds: env.CACHE_TTL_SECONDS,
      listTtlSeconds: env.LIST_CACHE_TTL_SECONDS,
      callerTtlSeconds: env.CALLER_CACHE_TTL_SECONDS,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      bcryptCost: env.BCRYPT_COST,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      accountMaxFailures: env.LOGIN_ACCOUNT_MAX_FAILURES,
      accountFailureWindowSeconds: env.LOGIN_ACCOUNT_WINDOW_SECONDS,
      rateLimit: env.AUTH_RATE_LIMIT,
      rateWindowSeconds: env.AUTH_RATE_WINDOW_SECONDS,
    },
    session: { secret: env.SESSION_SECRET, cookieSecure: env.COOKIE_SECURE ?? isProduction },
    metricsToken: env.METRICS_TOKEN,
    orders: {
      pendingTtlMinutes: env.PENDING_ORDER_TTL_MINUTES,
      expirySweepSeconds: env.ORDER_EXPIRY_SWEEP_SECONDS,
      maxPending: env.MAX_PENDING_ORDERS,
      maxUnitsPerLine: env.MAX_UNITS_PER_LINE,
      maxUnitsPerOrder: env.MAX_UNITS_PER_ORDER,
    },
    jobs: { enabled: env.JOBS_ENABLED },
    fastPaths: Object.fromEntries(FAST_PATHS.map((name) => [name, !env.FAST_PATHS_OFF.includes(name)])) as Record<
      FastPath,
      boolean
    >,
    admin: { currency: env.CURRENCY, bundleDir: env.ADMIN_JS_TMP_DIR, skipBundle: env.ADMIN_JS_SKIP_BUNDLE ?? false },
  };
}

function loadProcessConfig(): Config {
  envFiles.loadEnvFiles();
  try {
    return loadConfig(process.env, envFiles.developmentDefaults());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable and its format.\n`);
    process.exit(1);
  }
}

/** The configuration of this process, validated at import time. */
export const config: Config = loadProcessConfig();
