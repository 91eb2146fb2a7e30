'use strict';
/**
 * sequelize-cli connection settings (loaded with require(), so CommonJS).
 * The CLI runs outside the app, so it reads DATABASE_DIRECT_URL (else
 * DATABASE_URL) itself, through the same env-file loader as src/config.ts.
 */
const { loadEnvFiles } = require('./env.cjs');

loadEnvFiles();

if (!process.env.DATABASE_URL) {
  throw new Error(
    'DATABASE_URL is not set: expected a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/emporium',
  );
}

// Migrations take a direct connection (DATABASE_DIRECT_URL) when there is one: a pooler in transaction
// mode would spread a migration's statements over several server connections.
const direct = Boolean(process.env.DATABASE_DIRECT_URL);

const settings = {
  use_env_variable: direct ? 'DATABASE_DIRECT_URL' : 'DATABASE_URL',
  // Behind PgBouncer the app's role carries a statement timeout (db/pool-settings.cjs); a migration may take longer.
  ...(direct ? { dialectOptions: { options: '-c statement_timeout=0 -c idle_in_transaction_session_timeout=0' } } : {}),
  dialect: 'postgres',
  logging: false,
  migrationStorageTableName: 'SequelizeMeta',
  seederStorage: 'sequelize',
  seederStorageTableName: 'SequelizeData',
};

module.exports = { development: settings, test: settings, production: settings };
