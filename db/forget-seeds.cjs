'use strict';
/**
 * Part of `npm run db:reset`: after `db:migrate:undo:all` has dropped every
 * table, forget which seeders ran (the SequelizeData table) so `db:seed:all`
 * runs them all again.
 */
const { Client } = require('pg');
const { loadEnvFiles } = require('./env.cjs');

loadEnvFiles();

(async () => {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS "SequelizeData"');
  await client.end();
})().catch((error) => {
  console.error(`forget-seeds: ${error.message}`);
  process.exit(1);
});
