/**
 * Runs once per `vitest run`: migrates a template database with the real
 * migrations (through sequelize-cli) and clones one database per worker from
 * it, so test files in different workers never see each other's rows.
 */
import { TEST_WORKERS } from '../vitest.config.js';
import { dropDatabase, recreateDatabase } from './support/admin-db.js';
import { sequelizeCli } from './support/cli.js';
import { TEMPLATE_DB, databaseUrl, workerDb } from './support/databases.js';

const workers = Array.from({ length: TEST_WORKERS }, (_, i) => i + 1);

export async function setup(): Promise<void> {
  await recreateDatabase(TEMPLATE_DB);
  await sequelizeCli(databaseUrl(TEMPLATE_DB), 'db:migrate');
  for (const id of workers) await recreateDatabase(workerDb(id), TEMPLATE_DB);
}

export async function teardown(): Promise<void> {
  for (const id of workers) await dropDatabase(workerDb(id));
  await dropDatabase(TEMPLATE_DB);
}
