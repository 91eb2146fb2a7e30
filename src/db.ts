/**
 * The Sequelize instance (PostgreSQL through pg). Timeouts are bounded so a
 * slow or absent database makes requests fail fast with 503 instead of hanging.
 */
import { QueryTypes, Sequelize } from 'sequelize';
import { config } from './config.js';

/** The one database handle of this process. */
export const sequelize = new Sequelize(config.db.url, {
  dialect: 'postgres',
  logging: false,
  benchmark: false,
  pool: {
    max: config.db.poolMax,
    min: 0,
    acquire: config.db.acquireTimeoutMs,
    idle: 10_000,
    evict: 5_000,
  },
  dialectOptions: {
    application_name: 'emporium',
    connectionTimeoutMillis: Math.min(config.db.acquireTimeoutMs, 5_000),
    statement_timeout: config.db.statementTimeoutMs,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
  },
  define: {
    underscored: true,
    freezeTableName: true,
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
});

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

/**
 * Runs one statement on a pooled connection and returns its rows, skipping
 * Sequelize's per-query machinery (it costs about as much CPU as the query
 * itself on a short read). Same pool, same connection settings (timeouts,
 * type parsers), and failures come back as the same Sequelize errors (a
 * unique violation is a UniqueConstraintError, …), so they are handled
 * exactly like any other query's. For the hot single-statement paths;
 * anything in a transaction goes through Sequelize. `statement` is SQL
 * text, or a Prepared statement.
 *
 * Measured (`npm run bench -- --ablate raw-queries`, 100k products): with
 * `sequelize.query` instead (FAST_PATHS_OFF=raw-queries), cart adds run at
 * 0.68x the req/s (Sequelize builds a query object, a model-less result
 * mapping and an unprepared statement each time).
 */
export async function queryRows<T>(statement: string | Prepared, params: readonly unknown[] = []): Promise<T[]> {
  const { text: sql, name } = typeof statement === 'string' ? { text: statement, name: undefined } : statement;
  // Switched off (FAST_PATHS_OFF=raw-queries): Sequelize's own query, unprepared.
  if (!config.fastPaths['raw-queries']) {
    return sequelize.query(sql, { bind: [...params], type: QueryTypes.SELECT }) as Promise<T[]>;
  }
  const connections = sequelize.connectionManager;
  const client = (await connections.getConnection({ type: 'write' })) as unknown as PooledClient;
  try {
    return (await client.query({ text: sql, values: params, name })).rows as T[];
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
    throw new Query(client, sequelize, { logging: false }).formatError(failure);
  } finally {
    connections.releaseConnection(client);
  }
}
