/**
 * Request bodies the API reads: the media types each may use, and the names
 * and depths no body may have.
 */

const JSON_ONLY = ['application/json'];
/** The OAuth2 password form is for logging in (Swagger UI's Authorize, OAuth2 clients); everything else is JSON. */
const JSON_OR_FORM = ['application/json', 'application/x-www-form-urlencoded'];
const FORM_PATHS = new Set(['/api/v1/auth/login']);
const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Runs `reader` (the body parsers and checks) for a POST, PUT or PATCH only:
 * no GET or DELETE of the API takes a body, so one sent with them is never
 * read (nor refused: it is ignored, as the operation ignores it).
 */
export const forBodies =
  (reader: RequestHandler): RequestHandler =>
  (req, res, next) => {
    if (METHODS_WITH_BODIES.has(req.method)) reader(req, res, next);
    else next();
  };

/** The media types a body sent to `path` may use (the spec's requestBody says the same). */
export const bodyTypesFor = (path: string): readonly string[] => (FORM_PATHS.has(path) ? JSON_OR_FORM : JSON_ONLY);

/** Whether the request carries body bytes (an empty body, `Content-Length: 0`, is no body). */
const sendsBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Express middleware (before the body parsers, inside `forBodies`): 415 for
 * a body of another media type (text/plain, XML, a form where JSON is
 * expected), instead of parsing nothing and refusing the empty result as
 * invalid fields.
 */
export const refuseUnsupportedBodies: RequestHandler = (req, _res, next) => {
  if (!sendsBody(req)) return next();
  const allowed = bodyTypesFor(req.originalUrl.split('?')[0]!);
  if (req.is([...allowed])) return next();
  next(new UnsupportedMediaTypeError(`Send the body as ${allowed.join(' or ')}.`));
};

/**
 * Refuses request bodies whose objects use reserved property names
 * (`__proto__`, `constructor`, `toString`, `valueOf`, …) or nest absurdly
 * deep. No API field has such a name, and some validators turn such objects
 * into strings: `{"toString": "x"}` cannot be converted and would crash them.
 */
import type { Request, RequestHandler } from 'express';
import { UnsupportedMediaTypeError, ValidationError } from '../errors.js';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'toJSON', 'toLocaleString']);
const MAX_DEPTH = 32;

/** The dotted path of the first reserved name, or of the point where nesting gets too deep. */
function offendingPath(value: unknown, path: string, depth: number): { path: string; message: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return { path: path || 'body', message: `is nested more than ${MAX_DEPTH} levels deep` };
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = Array.isArray(value) ? `${path}[${name}]` : path ? `${path}.${name}` : name;
    if (RESERVED.has(name)) return { path: childPath, message: 'is not an allowed field name' };
    const found = offendingPath(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Express middleware (after the body parsers): 422 for a body with a reserved name anywhere in it. */
export const guardBody: RequestHandler = (req, _res, next) => {
  const found = offendingPath(req.body, '', 0);
  if (!found) return next();
  next(new ValidationError([{ field: found.path, message: found.message }]));
};
