/**
 * Builds the Express application without listening, so tests (supertest) and
 * the server entry share exactly the same stack.
 */
import type { RequestListener } from 'node:http';
import express, { type Express, type RequestHandler, type Response } from 'express';
import { adminPanel, sameOriginOnly, singleQueryValues } from './admin/index.js';
import { limitAuthRequests } from './auth/rate-limits.js';
import { config } from './config.js';
import { PRIVATE } from './controllers/cache-policy.js';
import { docsRouter } from './docs/index.js';
import { RegisterRoutes } from './generated/routes.js';
import { useConditionalGet } from './http/conditional.js';
import { withHotResponses } from './http/hot-responses.js';
import { isShuttingDown } from './lifecycle.js';
import { forBodies, guardBody, refuseUnsupportedBodies } from './middleware/body-guard.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { metricsHandler } from './middleware/metrics.js';
import { requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';

/**
 * While the server drains, every response (including those of requests that
 * began before the signal) tells keep-alive clients to reconnect elsewhere.
 * Installed once on the app's response prototype, so it costs nothing per request.
 */
function closeConnectionsWhileDraining(app: Express): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each response as `this`
  const { writeHead } = app.response;
  app.response.writeHead = function (this: Response, statusCode: number, reason?: unknown, headers?: unknown) {
    if (isShuttingDown()) this.setHeader('Connection', 'close');
    // Passed on as given (no rest array: this runs for every response).
    return (writeHead as (this: Response, ...args: unknown[]) => Response).call(this, statusCode, reason, headers);
  } as typeof writeHead;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', PRIVATE);
  next();
};

/**
 * Runs `handlers` one after the other as one middleware: one Express layer
 * (one path match, one prefix strip) instead of one per handler. An error
 * passed on or thrown by any of them skips the rest, as in Express.
 */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      const handler = handlers[index++];
      if (error !== undefined || handler === undefined) {
        next(error);
        return;
      }
      try {
        handler(req, res, step);
      } catch (thrown) {
        // As Express does for each layer (a handler may run from an event callback here).
        next(thrown);
      }
    };
    step();
  };
}

/** What can be swapped when building the app (benchmarks compare the real routes with stripped-down ones). */
export interface AppOptions {
  /** Registers the API routes; the tsoa routes by default. */
  routes?: (app: Express) => void;
}

/** Creates the app: logging, metrics, security headers, docs, admin panel, API routes, errors. */
export function createApp({ routes = RegisterRoutes }: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  // Flat query strings only (no nested objects): faster, and nothing in the API needs more.
  app.set('query parser', 'simple');

  closeConnectionsWhileDraining(app);
  useConditionalGet(app);

  app.use(requestContext);
  app.use(securityHeaders);

  // The API first, so its requests pass no other layer. Its bodies are parsed here; AdminJS
  // parses its own (it must never see a consumed body), so the parsers are scoped to /api.
  // API answers are personal or fresh unless a public catalog endpoint says otherwise.
  app.use(
    '/api',
    inSequence(
      forBodies(
        inSequence(
          refuseUnsupportedBodies,
          express.json({ limit: config.http.jsonBodyLimit }),
          express.urlencoded({ extended: false, limit: config.http.jsonBodyLimit }),
          guardBody,
        ),
      ),
      noStore,
    ),
  );
  app.use('/api/v1/auth', limitAuthRequests);
  routes(app);

  app.get('/metrics', metricsHandler);
  app.use(docsRouter());
  app.use('/admin', sameOriginOnly, singleQueryValues, adminPanel);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** What the server runs: hot answers from the cache where possible (http/hot-responses.ts), the app for the rest. */
export function createRequestListener(options: AppOptions = {}): RequestListener {
  const app = createApp(options);
  return config.fastPaths['hot-responses'] ? withHotResponses(app) : app;
}
