/**
 * Imported first by pg-topology.test.ts: in the replica topology, points that
 * file's app at the spare (asynchronous) replica, which the file may pause
 * and stop without disturbing the other workers' files.
 */
import { inject } from 'vitest';
import { TOPOLOGY, replicaUrl, workerDb } from './databases.js';

if (TOPOLOGY === 'replica') {
  const { runPid } = inject('testRun');
  process.env.DATABASE_REPLICA_URLS = replicaUrl(workerDb(runPid, Number(process.env.VITEST_POOL_ID ?? '1')), 'spare');
}
