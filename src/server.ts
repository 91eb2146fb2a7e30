/**
 * Process entry: connect, start the background worker (jobs/), listen, load
 * the staff panel in the background, and shut down gracefully on
 * SIGTERM/SIGINT (stop accepting, let in-flight requests and the running job
 * finish, close PostgreSQL and Redis, exit 0; exit 1 if draining outlasts
 * SHUTDOWN_TIMEOUT_MS).
 */
import { type Server, createServer } from 'node:http';
import { Server as NetServer } from 'node:net';
import { startAdminPanel } from './admin/index.js';
import { createRequestListener } from './app.js';
import { config } from './config.js';
import { serviceIndex } from './controllers/index-controller.js';
import { sequelize } from './db.js';
import { type JobRunner, startJobs } from './jobs/index.js';
import { beginShutdown } from './lifecycle.js';
import { flushLogs, logger } from './logger.js';
import { connectRedis, redis } from './redis.js';

/** QUIT politely, but never wait more than a second for a Redis that is not answering. */
async function closeRedis(): Promise<void> {
  const timeout = new Promise((resolve) => setTimeout(resolve, 1_000).unref());
  await Promise.race([redis.quit().catch(() => undefined), timeout]);
  redis.disconnect();
}

/** How long idle keep-alive connections stay open after the signal, for a request already on its way. */
const IDLE_GRACE_MS = 1_000;

/**
 * Stops accepting connections, drains in-flight requests, then closes
 * PostgreSQL and Redis.
 *
 * The listener closes at once, but idle keep-alive connections are kept for
 * a short grace period: a client may already have sent its next request on
 * one, and closing it then would lose that request. Every answer from now on
 * says `Connection: close`, so those connections end after one more answer;
 * whatever is still idle after the grace period is closed.
 */
async function shutdown(server: Server, jobs: JobRunner | undefined, signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down: draining in-flight requests');
  beginShutdown();
  const forced = setTimeout(() => {
    logger.error({ timeout_ms: config.http.shutdownTimeoutMs }, 'shutdown timed out; exiting');
    void flushLogs().finally(() => process.exit(1));
  }, config.http.shutdownTimeoutMs);
  forced.unref();

  // net.Server's close: stop listening without http.Server's immediate closing of idle connections.
  const drained = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const graceEnds = Date.now() + Math.min(IDLE_GRACE_MS, config.http.shutdownTimeoutMs / 2);
  while (Date.now() < graceEnds && (await openConnections(server)) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.closeIdleConnections();
  // The worker finishes the job it is running (it needs PostgreSQL), then lets go of Redis.
  await Promise.all([
    drained,
    jobs?.close().catch((error: unknown) => logger.warn({ err: error }, 'job engine close')),
  ]);
  await Promise.allSettled([sequelize.close(), closeRedis()]);
  logger.info('shutdown complete');
  clearTimeout(forced);
  await flushLogs();
  process.exit(0);
}

const openConnections = (server: Server): Promise<number> =>
  new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));

function main(): void {
  void connectRedis();
  if (config.isProduction && !config.metricsToken) logger.warn('METRICS_TOKEN is not set: /metrics is not served');
  const jobs = config.jobs.enabled ? startJobs() : undefined;
  const server = createServer(createRequestListener());
  server.listen(config.http.port, config.http.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    logger.info({ port, env: config.env }, `listening on http://${config.http.host}:${port}`);
    const base =
      config.http.publicUrl ?? `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`;
    const { links } = serviceIndex();
    const url = (link: string): string => (link.startsWith('/') ? `${base}${link}` : link);
    logger.info(
      `API ${url(links.api)} · Swagger UI ${url(links.docs)} · ReDoc ${url(links.redoc)} · staff panel ${url(links.admin)}`,
    );
    // After listening, so /ready and the API answer while it loads (admin/index.ts).
    void startAdminPanel();
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'server failed');
    void flushLogs().finally(() => process.exit(1));
  });
  // Keep-alive longer than a typical load balancer's idle timeout, so it closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutdown(server, jobs, signal);
    });
  }
}

try {
  main();
} catch (error) {
  logger.fatal({ err: error }, 'failed to start');
  void flushLogs().finally(() => process.exit(1));
}
