/**
 * Mounts the admin panel lazily: AdminJS takes ~2 s of CPU to import, all of
 * it blocking the event loop, so the panel is loaded on the first /admin
 * request (which waits for it), never at start: loading it then would stall
 * the readiness probe and a new instance's first API requests. Requests that
 * arrive while it loads wait for it.
 */
import type { RequestHandler, Router } from 'express';
import { ForbiddenError, ValidationError } from '../errors.js';
import { allowedName } from './field-names.js';

let loading: Promise<Router> | undefined;

/** Starts loading the panel (idempotent) and resolves with its router. */
export function loadAdminPanel(): Promise<Router> {
  loading ??= import('./panel.js').then(({ buildAdminRouter }) => buildAdminRouter());
  return loading;
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
  return host === req.headers.host ? next() : refuse();
};

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

/** The /admin middleware: CSRF check, then the (lazily loaded) AdminJS router. */
export const adminPanel: RequestHandler = (req, res, next) => {
  loadAdminPanel().then(
    (router) => router(req, res, next),
    (error: unknown) => next(error),
  );
};
