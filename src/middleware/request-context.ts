/**
 * Per-request context: the X-Request-Id (accepted from the client when it is
 * sane, generated otherwise, always echoed) and one structured pino log line
 * per request, carrying that id and the route template.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { logger } from '../logger.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route template a request matched (`/api/v1/products/:productId`), for logs and metrics. */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  if (path !== undefined) return `${req.baseUrl}${path}`;
  return req.baseUrl || 'unmatched';
}

/** Attaches `req.id`, echoes `X-Request-Id` and logs the request when it finishes. */
export const requestContext: RequestHandler = pinoHttp({
  logger,
  genReqId(req: IncomingMessage, res: ServerResponse) {
    const offered = req.headers['x-request-id'];
    const id = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  },
  customLogLevel(_req, res, error) {
    if (error || res.statusCode >= 500) return 'error';
    return 'info';
  },
  customSuccessMessage: (req, res) => `${req.method} ${res.statusCode}`,
  customErrorMessage: (req, res) => `${req.method} ${res.statusCode}`,
  customSuccessObject: (req, _res, value: object) => ({ ...value, route: routeLabel(req as Request) }),
  customErrorObject: (req, _res, _error, value: object) => ({ ...value, route: routeLabel(req as Request) }),
  serializers: {
    req: (req: {
      id: string;
      method: string;
      url: string;
      remoteAddress?: string;
      headers: Record<string, string>;
    }) => ({
      id: req.id,
      method: req.method,
      url: req.url,
      remote: req.remoteAddress,
      user_agent: req.headers['user-agent'],
    }),
    res: (res: { statusCode: number }) => ({ status: res.statusCode }),
  },
  quietReqLogger: true,
});
