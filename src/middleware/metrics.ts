/**
 * The /metrics endpoint (Prometheus text format), with gauges for the
 * PostgreSQL pool and the Redis connection (request metrics are recorded by
 * request-context.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Gauge } from 'prom-client';
import { config } from '../config.js';
import { poolStats } from '../db.js';
import { NotFoundError, UnauthorizedError } from '../errors.js';
import { registry } from '../metrics.js';
import { redisReady } from '../redis.js';

new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by state (size, available, using, waiting).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    for (const [state, value] of Object.entries(poolStats())) this.set({ state }, value);
  },
});

new Gauge({
  name: 'redis_up',
  help: '1 when the Redis client is connected and ready, 0 otherwise.',
  registers: [registry],
  collect() {
    this.set(redisReady() ? 1 : 0);
  },
});

function tokenMatches(header: string | undefined, token: string): boolean {
  const offered = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/**
 * GET /metrics: Prometheus text; requires `Bearer METRICS_TOKEN` when that is
 * set. In production it is not served at all without a token (404): per-route
 * counts and latencies tell an outsider what the shop does and where it is weak.
 */
export const metricsHandler: RequestHandler = (req, res, next) => {
  if (config.isProduction && !config.metricsToken) {
    next(new NotFoundError('Metrics are not served: set METRICS_TOKEN to scrape them in production.'));
    return;
  }
  if (config.metricsToken && !tokenMatches(req.headers.authorization, config.metricsToken)) {
    next(new UnauthorizedError('A valid metrics token is required.'));
    return;
  }
  registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
};
