/**
 * Background work on a real job engine: BullMQ on the app's Redis (its
 * topology: one server, Sentinel or Cluster; keys under the hash tag
 * `{<REDIS_KEY_PREFIX>bull}:`, so that in a Cluster all of a queue's keys
 * share the one slot BullMQ's scripts need).
 *
 * Every instance with JOBS_ENABLED runs one worker on the same queue, and
 * registers the same schedules (job schedulers are upserted by id, so N
 * instances make one schedule, and each scheduled run is taken by exactly one
 * worker). The work itself keeps its state in PostgreSQL and is safe to run
 * twice (an unpaid order is expired exactly once, see order-service.ts), so
 * nothing is lost when an instance dies mid-job (BullMQ hands a stalled job
 * to another worker) or when Redis restarts empty (the schedules are
 * registered again on every reconnect, and the next run finds whatever is
 * due).
 */
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import type { Cluster, RedisOptions } from 'ioredis';
import { config } from '../config.js';
import { logger } from '../logger.js';
import { ordersExpired } from '../metrics.js';
import { createClient, hashTag, masterOptions } from '../redis.js';
import { expireUnpaidOrders } from '../services/order-service.js';

/** The queue every instance shares. */
export const QUEUE_NAME = 'maintenance';

/** Scheduled jobs: what each does, and how often it runs by default. */
const SCHEDULED = {
  'expire-unpaid-orders': {
    run: async (): Promise<number> => {
      const expired = await expireUnpaidOrders();
      ordersExpired.inc(expired);
      return expired;
    },
    everyMs: () => config.orders.expirySweepSeconds * 1000,
  },
} as const;

/** A scheduled job's name. */
export type ScheduledJob = keyof typeof SCHEDULED;

/** BullMQ's connection options for the configured master (BullMQ opens its own connections: a worker blocks on one). */
export function connectionOptions(): RedisOptions {
  return {
    ...masterOptions(),
    // A job engine waits for Redis to come back instead of failing its commands.
    maxRetriesPerRequest: null,
    connectTimeout: 2_000,
  };
}

/**
 * What BullMQ connects with: options (it makes its own clients), or in a
 * Cluster a Cluster client of this engine's own, which BullMQ shares between
 * the queue and the worker's duplicated blocking connection.
 */
function jobConnection(): { connection: ConnectionOptions; close: () => Promise<void> } {
  if (config.redis.topology.kind !== 'cluster') {
    // ioredis's own options type; BullMQ declares a narrower copy of it.
    return { connection: connectionOptions() as ConnectionOptions, close: async () => {} };
  }
  const cluster = createClient({ maxRetriesPerRequest: null, connectTimeout: 2_000 }) as Cluster;
  return {
    connection: cluster,
    close: () =>
      cluster.quit().then(
        () => undefined,
        () => cluster.disconnect(),
      ),
  };
}

/** The running engine of this process; `close` stops it (at shutdown), letting a running job finish. */
export interface JobRunner {
  queue: Queue;
  worker: Worker;
  close(): Promise<void>;
}

/** Options for startJobs (tests run the schedules faster). */
export interface JobOptions {
  /** Interval of each schedule, overriding the configured ones. */
  everyMs?: Partial<Record<ScheduledJob, number>>;
}

let lastErrorLog = 0;
/** Redis outages make BullMQ report errors many times a second; log one every 10 s. */
function logEngineError(error: Error): void {
  const now = Date.now();
  if (now - lastErrorLog < 10_000) return;
  lastErrorLog = now;
  logger.warn({ err: { message: error.message } }, 'job engine: redis unavailable');
}

/** Runs a job of the queue by its name. */
async function runJob(job: Job): Promise<unknown> {
  const scheduled = SCHEDULED[job.name as ScheduledJob];
  if (!scheduled) throw new Error(`unknown job ${job.name}`);
  return scheduled.run();
}

/**
 * Starts this process's worker and registers the schedules. Never waits for
 * Redis: when it is down, the engine connects (and registers) once it is
 * back, while the API keeps serving.
 */
export function startJobs(options: JobOptions = {}): JobRunner {
  const { connection, close: closeConnection } = jobConnection();
  const prefix = hashTag(`${config.redis.keyPrefix}bull`);
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  const worker = new Worker(QUEUE_NAME, runJob, { connection, prefix, concurrency: 1 });
  queue.on('error', logEngineError);
  worker.on('error', logEngineError);
  worker.on('failed', (job, error) =>
    logger.warn({ job: job?.name, err: error }, 'job failed; it runs again next time'),
  );

  const schedule = async (): Promise<void> => {
    for (const [name, job] of Object.entries(SCHEDULED) as [ScheduledJob, (typeof SCHEDULED)[ScheduledJob]][]) {
      await queue.upsertJobScheduler(
        name,
        { every: options.everyMs?.[name] ?? job.everyMs() },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  };
  const scheduleLogged = () =>
    schedule().catch((error: unknown) => logger.warn({ err: error }, 'job engine: schedules not registered yet'));
  // Once connected, and again after every reconnect: a Redis that restarted empty has forgotten them.
  void queue.getBackend().client.then((client) => {
    void scheduleLogged();
    client.on('ready', () => void scheduleLogged());
  });

  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
      await closeConnection();
    },
  };
}
