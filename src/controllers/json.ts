/**
 * Sending a body that is already JSON text (cached responses are serialised
 * once, when cached, not on every request). Express still sets the ETag and
 * answers If-None-Match with 304; tsoa sees the response is sent and stops.
 * A 200 whose text is in the Redis cache is remembered for hot answers
 * (http/hot-responses.ts): use this only for public answers that depend on
 * nothing but the URL.
 */
import type { Controller } from '@tsoa/runtime';
import type { Request } from 'express';
import type { CachedJson } from '../cache.js';
import { rememberHotResponse } from '../http/hot-responses.js';

/** Sends `body.json` with the controller's status and headers; typed as the T it encodes for the spec. */
export function sendJson<T>(controller: Controller, req: Request, body: CachedJson<T>): T {
  const res = req.res!;
  res
    .status(controller.getStatus() ?? 200)
    .set(controller.getHeaders() as Record<string, string>)
    .type('application/json')
    .send(body.json);
  if (body.entry) rememberHotResponse(req, res, body.entry);
  return undefined as unknown as T;
}
