/**
 * Prometheus metric definitions (prom-client). This module holds only the
 * registry and metric objects, so any layer can count without import cycles;
 * the /metrics endpoint and the dependency gauges live in
 * middleware/metrics.ts.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The registry /metrics serves. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Requests by method, route template and status. */
export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

/** Request latency by method, route template and status. */
export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route template and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Cache lookups by cache name and result (hit, miss, error). */
export const cacheLookups = new Counter({
  name: 'cache_lookups_total',
  help: 'Redis cache lookups, by cache name and result (hit, miss, error).',
  labelNames: ['cache', 'result'] as const,
  registers: [registry],
});

/** Unpaid orders cancelled because their payment deadline passed. */
export const ordersExpired = new Counter({
  name: 'orders_expired_total',
  help: 'Unpaid orders cancelled by the expiry job (their stock went back on sale).',
  registers: [registry],
});
