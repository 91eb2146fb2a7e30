/**
 * Refuses request bodies whose objects use reserved property names
 * (`__proto__`, `constructor`, `toString`, `valueOf`, …) or nest absurdly
 * deep. No API field has such a name, and some validators turn such objects
 * into strings: `{"toString": "x"}` cannot be converted and would crash them.
 */
import type { RequestHandler } from 'express';
import { ValidationError } from '../errors.js';

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
