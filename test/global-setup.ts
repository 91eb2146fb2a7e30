/**
 * Runs once per `vitest run`: migrates a template database with the real
 * migrations (through sequelize-cli), clones one database per worker from
 * it, and claims a Redis database per worker, so test files in different
 * workers (and different runs) never see each other's data. Databases left
 * behind by runs that died are dropped on the way.
 */
import type { TestProject } from 'vitest/node';
import { TEST_WORKERS } from '../vitest.config.js';
import { dropDatabase, listDatabases, recreateDatabase } from './support/admin-db.js';
import { sequelizeCli } from './support/cli.js';
import { databaseUrl, runPidOf, templateDb, workerDb } from './support/databases.js';
import { alive, claimRedisDbs, releaseRedisDbs } from './support/redis-claims.js';
import { startRedisTopology, stopRedisTopology } from './support/redis-topology.js';
import { applyWorkerSettings, startTopology, stopTopology } from './support/pg-topology.js';

const workers = Array.from({ length: TEST_WORKERS }, (_, i) => i + 1);
const runPid = process.pid;
let redisDbs: number[] = [];

export async function setup(project: TestProject): Promise<void> {
  await startTopology(runPid);
  for (const name of await listDatabases()) {
    const pid = runPidOf(name);
    if (pid !== undefined && pid !== runPid && !alive(pid)) await dropDatabase(name);
  }
  redisDbs = await claimRedisDbs(runPid, workers.length);
  // TEST_REDIS_TOPOLOGY (test/support/redis-topology.ts): a Redis Cluster or Sentinel of the run's own.
  project.provide('redisTopology', await startRedisTopology(runPid));
  await recreateDatabase(templateDb(runPid));
  await sequelizeCli(databaseUrl(templateDb(runPid)), 'db:migrate');
  for (const id of workers) await recreateDatabase(workerDb(runPid, id), templateDb(runPid));
  await applyWorkerSettings(workers.map((id) => workerDb(runPid, id)));
  project.provide('testRun', { runPid, redisDbs });
}

export async function teardown(): Promise<void> {
  for (const id of workers) await dropDatabase(workerDb(runPid, id));
  await dropDatabase(templateDb(runPid));
  await releaseRedisDbs(runPid, redisDbs);
  await stopRedisTopology();
  await stopTopology(runPid);
}
