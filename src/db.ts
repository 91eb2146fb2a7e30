/**
 * The Sequelize instance (PostgreSQL through pg). Timeouts are bounded so a
 * slow or absent database makes requests fail fast with 503 instead of hanging.
 */
import { Sequelize } from 'sequelize';
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
