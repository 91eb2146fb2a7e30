/**
 * Per-request context: the X-Request-Id (accepted from the client when it is
 * sane, generated otherwise, always echoed), and, when the response is done,
 * one structured log line and the request metrics, from a single listener.
 * (Hand-written rather than pino-http: one log call and no per-request child
 * logger keep the hot path short.)
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
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

/** The request id to use: the client's X-Request-Id when it is sane, a new UUID otherwise. */
export function requestIdOf(req: IncomingMessage): string {
  const offered = req.headers['x-request-id'];
  return typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** The route template a request matched (`/api/v1/products/:product_id`), for logs and metrics. */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  if (path !== undefined) return `${req.baseUrl}${path}`;
  return req.baseUrl || 'unmatched';
}

/** What is logged and measured about an answered request. */
export interface AnsweredRequest {
  req_id: string;
  method: string;
  url: string;
  route: string;
  status: number;
  /** From the first byte of the request until the response was handed over. */
  seconds: number;
  remote: string | undefined;
}

/** Counts and times an answered request, and writes its one log line. */
export function recordRequest({ seconds, ...answered }: AnsweredRequest): void {
  const { method, route, status } = answered;
  const labels = { method, route, status: String(status) };
  httpRequests.inc(labels);
  httpDuration.observe(labels, seconds);
  const line = { ...answered, ms: Math.round(seconds * 10_000) / 10 };
  if (status >= 500) logger.error(line, `${method} ${status}`);
  else logger.info(line, `${method} ${status}`);
}

/** Assigns the request id, and logs and measures the request once it is answered. */
export const requestContext: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  req.id = requestIdOf(req);
  res.setHeader('X-Request-Id', req.id);
  // 'finish' is emitted once: `on` spares the wrapper `once` makes per request.
  res.on('finish', () => {
    recordRequest({
      req_id: req.id,
      method: req.method,
      url: req.originalUrl,
      route: routeLabel(req),
      status: res.statusCode,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      remote: req.ip,
    });
  });
  next();
};
