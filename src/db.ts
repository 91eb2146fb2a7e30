/**
 * The Sequelize instances (PostgreSQL through pg): the primary, and the read
 * replicas for reads that may be a moment stale. Timeouts are bounded so a
 * slow or absent database makes requests fail fast with 503 instead of
 * hanging.
 *
 * DB_POOL_MODE=transaction (PgBouncer in transaction mode) sends no startup
 * parameters (PgBouncer 1.18 refuses them) and no named prepared statements
 * (the next transaction may run on another server connection); the timeouts
 * are set with SET LOCAL at the start of every transaction, and for single
 * statements by the role's settings in the database (db/pool-settings.cjs,
 * applied by db/migrate-and-seed.cjs).
 */
import { type Options, QueryTypes, Sequelize } from 'sequelize';
import { config } from './config.js';
import { logger } from './logger.js';
import { Counter } from 'prom-client';
import { registry } from './metrics.js';

/** How long a session may sit idle inside a transaction before PostgreSQL ends it. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

const transactionMode = config.db.poolMode === 'transaction';

/** Connection settings shared by the primary and the replicas. */
function instanceOptions(connectTimeoutMs: number, acquireTimeoutMs: number): Options {
  const timeouts = transactionMode
    ? {}
    : {
        statement_timeout: config.db.statementTimeoutMs,
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      };
  return {
    dialect: 'postgres',
    logging: false,
    benchmark: false,
    pool: { max: config.db.poolMax, min: 0, acquire: acquireTimeoutMs, idle: 10_000, evict: 5_000 },
    dialectOptions: {
      application_name: 'emporium',
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      ...timeouts,
    },
    define: { underscored: true, freezeTableName: true, createdAt: 'created_at', updatedAt: 'updated_at' },
  };
}

/** The one primary database handle of this process (writes, transactions, read-your-writes). */
export const sequelize = new Sequelize(
  config.db.url,
  instanceOptions(Math.min(config.db.acquireTimeoutMs, 5_000), config.db.acquireTimeoutMs),
);

/**
 * The timeouts of one transaction in transaction mode: SET LOCAL lasts until
 * COMMIT/ROLLBACK, so it holds on whichever server connection PgBouncer
 * lends, and leaves nothing behind for the next client.
 */
export const TRANSACTION_TIMEOUTS =
  `SET LOCAL statement_timeout = ${config.db.statementTimeoutMs}; ` +
  `SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_TIMEOUT_MS}`;

if (transactionMode) {
  // Sequelize has no hook at BEGIN: the query interface's startTransaction is the one place every
  // transaction (not its savepoints) starts, so the timeouts go right after it.
  type Starter = (transaction: { parent?: unknown }, options?: object) => Promise<unknown>;
  const queryInterface = sequelize.getQueryInterface() as unknown as { startTransaction: Starter };
  const start = queryInterface.startTransaction.bind(queryInterface);
  queryInterface.startTransaction = async (transaction, options) => {
    const started = await start(transaction, options);
    if (!transaction.parent) await sequelize.query(TRANSACTION_TIMEOUTS, { ...options, transaction } as object);
    return started;
  };
}

/** A read replica, and until when it is left alone after a failure (its circuit is open). */
interface Replica {
  readonly name: string;
  readonly sequelize: Sequelize;
  downUntil: number;
}

const replicas: Replica[] = config.db.replicaUrls.map((url, index) => ({
  name: `replica${index + 1} ${new URL(url).host}`,
  sequelize: new Sequelize(
    url,
    instanceOptions(config.db.replicaConnectTimeoutMs, config.db.replicaConnectTimeoutMs + 500),
  ),
  downUntil: 0,
}));
let nextReplica = 0;

/** Reads that may be stale, by where they were served: `replica`, or `fallback` (the primary, replica failed or left alone). */
export const replicaReads = new Counter({
  name: 'db_replica_reads_total',
  help: 'Reads that may be a moment stale, by where they were served: replica, or fallback (the primary, because the replica failed or its circuit is open).',
  labelNames: ['result'] as const,
  registers: [registry],
});

// The replicas' pools close with the primary's (server shutdown, tests).
const closePrimary = sequelize.close.bind(sequelize);
sequelize.close = async () => {
  await Promise.allSettled(replicas.map((replica) => replica.sequelize.close()));
  return closePrimary();
};

/** The next replica whose circuit is closed (round robin), if any. */
function pickReplica(): Replica | undefined {
  const now = Date.now();
  for (let tried = 0; tried < replicas.length; tried += 1) {
    const replica = replicas[nextReplica++ % replicas.length]!;
    if (replica.downUntil <= now) return replica;
  }
  return undefined;
}

/** True for a failure of the replica rather than of the statement: the primary can answer instead. */
function replicaUnavailable(error: unknown): boolean {
  const failure = error as { name?: string; original?: { code?: string }; parent?: { code?: string } };
  if (/^Sequelize(Connection|HostNotFound|HostNotReachable|AccessDenied|InvalidConnection)/.test(failure.name ?? '')) {
    return true;
  }
  const code = failure.original?.code ?? failure.parent?.code ?? '';
  // 40001: cancelled by a conflict with recovery (replay on the replica); class 08 and 57P: gone.
  return code === '40001' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || /^(57P0|08)/.test(code);
}

/** Where stale reads go now, for /health and tests: each replica and whether its circuit is open. */
export function replicaStates(): { name: string; available: boolean }[] {
  const now = Date.now();
  return replicas.map((replica) => ({ name: replica.name, available: replica.downUntil <= now }));
}

/** Pool figures for /metrics (sequelize-pool keeps them on the connection manager). */
export function poolStats(): { size: number; available: number; using: number; waiting: number } {
  const pool = (sequelize.connectionManager as unknown as { pool?: Partial<Record<string, number>> }).pool;
  return {
    size: pool?.size ?? 0,
    available: pool?.available ?? 0,
    using: pool?.using ?? 0,
    waiting: pool?.waiting ?? 0,
  };
}

/** Sequelize's query class for this dialect: turns a pg error into the matching Sequelize error. */
const { Query } = (sequelize as unknown as { dialect: unknown }).dialect as {
  Query: new (
    connection: unknown,
    db: Sequelize,
    options: object,
  ) => { formatError(error: Error, stack?: string): Error };
};

/**
 * A statement PostgreSQL parses and plans once per connection (a named
 * prepared statement) instead of on every execution. For the fixed SQL of
 * the hot paths; `name` must be unique per text.
 */
export interface Prepared {
  readonly name: string;
  readonly text: string;
}

/** Names `text` as a prepared statement (see Prepared). */
export const prepared = (name: string, text: string): Prepared => ({ name, text });

/** The part of a pooled pg client that `queryRows` uses. */
interface PooledClient {
  query(query: { text: string; values: readonly unknown[]; name?: string }): Promise<{ rows: unknown[] }>;
  /** Set to make the pool drop a connection whose socket failed (Sequelize's own flag). */
  _invalid?: boolean;
}

/** Options of `queryRows`. */
export interface ReadOptions {
  /**
   * The read may be a moment stale (the catalog, categories, hot products,
   * admin lists): a replica answers it when there is one, the primary when
   * the replica fails. Never for a shopper's own cart, orders or account.
   */
  mayBeStale?: boolean;
}

/**
 * Runs one statement on a pooled connection and returns its rows, skipping
 * Sequelize's per-query machinery (it costs about as much CPU as the query
 * itself on a short read). Same pool, same connection settings (timeouts,
 * type parsers), and failures come back as the same Sequelize errors (a
 * unique violation is a UniqueConstraintError, …), so they are handled
 * exactly like any other query's. For the hot single-statement paths;
 * anything in a transaction goes through Sequelize. `statement` is SQL
 * text, or a Prepared statement (sent unnamed in transaction pool mode).
 *
 * Measured (`npm run bench -- --ablate raw-queries`, 100k products): with
 * `sequelize.query` instead (FAST_PATHS_OFF=raw-queries), cart adds run at
 * 0.68x the req/s (Sequelize builds a query object, a model-less result
 * mapping and an unprepared statement each time).
 */
export async function queryRows<T>(
  statement: string | Prepared,
  params: readonly unknown[] = [],
  { mayBeStale = false }: ReadOptions = {},
): Promise<T[]> {
  const replica = mayBeStale ? pickReplica() : undefined;
  if (mayBeStale && replicas.length > 0 && !replica) replicaReads.inc({ result: 'fallback' });
  if (!replica) return runRows<T>(sequelize, statement, params);
  try {
    const rows = await runRows<T>(replica.sequelize, statement, params);
    replicaReads.inc({ result: 'replica' });
    return rows;
  } catch (error) {
    if (!replicaUnavailable(error)) throw error;
    replica.downUntil = Date.now() + config.db.replicaRetrySeconds * 1000;
    replicaReads.inc({ result: 'fallback' });
    logger.warn(
      { err: error, replica: replica.name, retryInSeconds: config.db.replicaRetrySeconds },
      'read replica unavailable: stale reads go to the primary',
    );
    return runRows<T>(sequelize, statement, params);
  }
}

/** queryRows on one instance's pool. */
async function runRows<T>(db: Sequelize, statement: string | Prepared, params: readonly unknown[]): Promise<T[]> {
  const { text: sql, name } = typeof statement === 'string' ? { text: statement, name: undefined } : statement;
  // Switched off (FAST_PATHS_OFF=raw-queries): Sequelize's own query, unprepared.
  if (!config.fastPaths['raw-queries']) {
    return db.query(sql, { bind: [...params], type: QueryTypes.SELECT }) as Promise<T[]>;
  }
  const connections = db.connectionManager;
  const client = (await connections.getConnection({ type: 'write' })) as unknown as PooledClient;
  try {
    const query = transactionMode ? { text: sql, values: params } : { text: sql, values: params, name };
    return (await client.query(query)).rows as T[];
  } catch (error) {
    const failure = error as Error & { code?: string; sql: string; parameters?: object };
    // The connection is unusable after a socket error or when the server ended the session
    // (57P01-57P03 shutdown/crash, class 08): the pool must not hand it out again.
    if (
      failure.code === 'ECONNRESET' ||
      /^(57P0|08)/.test(failure.code ?? '') ||
      /Connection terminated/.test(failure.message)
    ) {
      client._invalid = true;
    }
    failure.sql = sql;
    failure.parameters = params;
    throw new Query(client, db, { logging: false }).formatError(failure);
  } finally {
    connections.releaseConnection(client);
  }
}
