/**
 * Per-request context: the X-Request-Id (accepted from the client when it is
 * sane, generated otherwise, always echoed), and, when the response is done,
 * one structured log line and the request metrics, from a single listener.
 * (Hand-written rather than pino-http: one log call and no per-request child
 * logger keep the hot path short.)
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { logger } from '../logger.js';
import { httpDuration, httpRequests } from '../metrics.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id echoed as X-Request-Id and logged with every line about this request. */
    id: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route template a request matched (`/api/v1/products/:product_id`), for logs and metrics. */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  if (path !== undefined) return `${req.baseUrl}${path}`;
  return req.baseUrl || 'unmatched';
}

/** Assigns the request id, and logs and measures the request once it is answered. */
export const requestContext: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  const offered = req.headers['x-request-id'];
  req.id = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeLabel(req);
    const status = res.statusCode;
    const labels = { method: req.method, route, status: String(status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, seconds);
    const line = {
      req_id: req.id,
      method: req.method,
      url: req.originalUrl,
      route,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      remote: req.ip,
    };
    if (status >= 500) logger.error(line, `${req.method} ${status}`);
    else logger.info(line, `${req.method} ${status}`);
  });
  next();
};
