/**
 * Mounts the admin panel, which the server loads in the background right
 * after it listens (`startAdminPanel`, called by server.ts): neither /ready
 * nor the first staff request waits for it. Until it is ready, a /admin
 * request gets the "starting" page at once (503, reloads itself;
 * unavailable.ts). An app that nobody started the panel for (tests,
 * benchmarks) loads it on its first /admin request instead, which waits.
 *
 * Loading costs ~1.7 s of wall time on an idle 2-core machine, most of it
 * off the event loop (module files are read and transformed
 * asynchronously), but evaluating AdminJS's module graph is one synchronous
 * block: ~0.55 s idle, 1-2 s with the machine saturated. Its CJS
 * dependencies (babel, rollup) are required synchronously inside it, so it
 * cannot be split further from here. The steps after it each take their own
 * turn of the loop: building the panel and its router block < 0.1 s; the
 * component bundle (outside production only) is babel's synchronous work,
 * 0.66 s measured on the saturated machine. Each start logs its longest
 * block ("admin panel ready", `longest_block_ms`); a /ready probe during
 * the load waits at most that long (test/admin-startup.test.ts prints both).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Request, RequestHandler, Router } from 'express';
import { config } from '../config.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { logger } from '../logger.js';
import { allowedName } from './field-names.js';
import { PANEL_STARTING, sendUnavailable } from './unavailable.js';

/** The loaded panel's router, once there is one. */
let panel: Router | undefined;
let loading: Promise<Router> | undefined;
/** True while the background load (startAdminPanel) runs: requests get the starting page meanwhile. */
let starting = false;

/** Lets the event loop run whatever is waiting (requests, timers) before the next step. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Imports and builds the panel, one step per turn of the event loop; outside production also its component bundle. */
async function buildPanel(): Promise<Router> {
  // AdminJS's module graph first, then ours on top of it: two blocks instead of one longer one.
  await import('adminjs');
  await nextTurn();
  const { buildAdminRouter, createAdmin } = await import('./panel.js');
  await nextTurn();
  const admin = createAdmin();
  await nextTurn();
  const router = buildAdminRouter(admin);
  if (!config.isProduction) {
    // Built now, so the first page's components.bundle.js does not wait for rollup; in
    // production the bundle was made at build time (npm run build:admin).
    await nextTurn();
    const { bundleComponents } = await import('./frontend-assets.js');
    await bundleComponents(admin);
  }
  return router;
}

/** Starts loading the panel (idempotent; a failed load is tried again on the next call) and resolves with its router. */
export function loadAdminPanel(): Promise<Router> {
  loading ??= buildPanel().then(
    (router) => (panel = router),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Loads the panel in the background (server.ts calls it once listening);
 * until it is ready /admin answers the starting page. Logs how long the load
 * took and the longest event-loop block it caused; never rejects (a failed
 * load is logged, and the next /admin request tries again).
 */
export async function startAdminPanel(): Promise<void> {
  if (panel || starting) return;
  starting = true;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  try {
    await loadAdminPanel();
    logger.info(
      { load_ms: Math.round(performance.now() - started), longest_block_ms: Math.round(delay.max / 1e6) },
      'admin panel ready',
    );
  } catch (error) {
    logger.error({ err: error }, 'admin panel failed to load');
  } finally {
    delay.disable();
    starting = false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for the panel (AdminJS has no CSRF token): a state-changing
 * request must come from this site. Browsers say so with Sec-Fetch-Site
 * (trusted first: with a strict Referrer-Policy some send `Origin: null`
 * even for same-site forms), older ones with Origin. A request with neither
 * (curl, scripts) is allowed: a browser always sends one of them on a
 * cross-site POST.
 */
export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const refuse = () => next(new ForbiddenError('Cross-site requests to the admin panel are refused.'));
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? next() : refuse();
  const origin = req.headers.origin;
  if (origin === undefined) return next();
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  return host !== undefined && host === addressedHost(req) ? next() : refuse();
};

/**
 * The host the browser addressed: a trusted proxy's X-Forwarded-Host (its
 * first value, as Express's `req.hostname` reads it, but with the port), else
 * Host. A proxy that rewrites Host to the instance's own address then still
 * has its staff's POSTs accepted, as long as TRUST_PROXY names it and it
 * sends X-Forwarded-Host; an untrusted client cannot choose it.
 */
function addressedHost(req: Request): string | undefined {
  const forwarded = req.headers['x-forwarded-host'];
  const trust = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  if (typeof forwarded === 'string' && forwarded !== '' && trust(req.socket.remoteAddress, 0)) {
    return forwarded.split(',')[0]!.trim();
  }
  return req.headers.host;
}

/**
 * AdminJS reads its query parameters (sortBy, direction, page, filters…) as
 * single strings; a repeated parameter arrives as an array and would crash
 * it: the last value of each is kept. A parameter name it cannot take
 * (`filters.constructor`, `filters.a[`: see field-names.ts) is a 422.
 */
export const singleQueryValues: RequestHandler = (req, _res, next) => {
  for (const [name, value] of Object.entries(req.query)) {
    if (!allowedName(name)) {
      next(new ValidationError([{ field: name, message: 'is not an allowed parameter name' }]));
      return;
    }
    if (Array.isArray(value)) req.query[name] = value[value.length - 1];
  }
  next();
};

/**
 * The /admin middleware: the panel's router once it is loaded; the starting
 * page while the background load runs; otherwise (no background load, or it
 * failed) the panel is loaded now and the request waits for it.
 */
export const adminPanel: RequestHandler = (req, res, next) => {
  if (panel) return panel(req, res, next);
  if (starting) return sendUnavailable(req, res, PANEL_STARTING);
  loadAdminPanel().then(
    (router) => router(req, res, next),
    (error: unknown) => next(error),
  );
};
