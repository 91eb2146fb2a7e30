'use strict';
/**
 * sequelize-cli connection settings (loaded with require(), so CommonJS).
 * The CLI runs outside the app, so it reads DATABASE_URL itself, through the
 * same env-file loader as src/config.ts.
 */
const { loadEnvFiles } = require('./env.cjs');

loadEnvFiles();

if (!process.env.DATABASE_URL) {
  throw new Error(
    'DATABASE_URL is not set: expected a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/emporium',
  );
}

const settings = {
  use_env_variable: 'DATABASE_URL',
  dialect: 'postgres',
  logging: false,
  migrationStorageTableName: 'SequelizeMeta',
  seederStorage: 'sequelize',
  seederStorageTableName: 'SequelizeData',
};

module.exports = { development: settings, test: settings, production: settings };
