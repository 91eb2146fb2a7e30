/**
 * Sending a body that is already JSON text (cached responses are serialised
 * once, when cached, not on every request). Express still sets the ETag and
 * answers If-None-Match with 304; tsoa sees the response is sent and stops.
 */
import type { Controller } from '@tsoa/runtime';
import type { Request } from 'express';
import type { Json } from '../cache.js';

/** Sends `json` with the controller's status and headers; typed as the T it encodes for the spec. */
export function sendJson<T>(controller: Controller, req: Request, json: Json<T>): T {
  req
    .res!.status(controller.getStatus() ?? 200)
    .set(controller.getHeaders() as Record<string, string>)
    .type('application/json')
    .send(json);
  return undefined as unknown as T;
}
