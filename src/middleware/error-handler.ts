/**
 * The one place where errors become HTTP responses: RFC 9457 problem details
 * (`application/problem+json`) for everything, with no stack traces or SQL.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ValidateError } from '@tsoa/runtime';
import {
  BaseError as SequelizeError,
  ConnectionError,
  UniqueConstraintError,
  ValidationError as ModelValidationError,
} from 'sequelize';
import { config } from '../config.js';
import { logger } from '../logger.js';
import {
  AppError,
  BadRequestError,
  malformedJson,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  ValidationError,
  problemType,
} from '../errors.js';
import { ruleMessageIn } from '../rules.js';
import type { FieldError, ProblemName, ProblemType } from '../schemas/problem.js';
import { lastActiveAdminRefusal } from '../services/staff-guard.js';

/**
 * Sends `error` as a problem+json response. Written directly rather than by
 * res.send: an error needs none of its work (no ETag, no freshness check),
 * and a crowd of refused requests (a sale's 409s) should cost little.
 */
export function sendProblem(req: Request, res: Response, error: AppError): void {
  // Extensions first: they can never overwrite a standard member.
  const body: { type: ProblemType } & Record<string, unknown> = {
    ...error.extensions,
    type: problemType(error.slug),
    title: error.title,
    status: error.status,
    detail: error.message,
    instance: req.originalUrl.split('?')[0],
    request_id: req.id,
  };
  const text = JSON.stringify(body);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.writeHead(error.status, {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Turns tsoa's field map (`{ "body.username": { message } }`) into
 * `[{ field: "username", message }]`: the parameter name is dropped for
 * bodies, kept for query and path parameters.
 */
export function fieldErrors(error: ValidateError): FieldError[] {
  return Object.entries(error.fields).map(([path, detail]) => ({
    field: path.replace(/^(body|requestBody)\.?/, '') || 'body',
    message: /is an excess property/.test(detail.message) ? 'is not an allowed field' : fieldMessage(detail.message),
  }));
}

/** A nullable field's refusal says the broken rule's message (src/rules.ts), not tsoa's union wording. */
const fieldMessage = (message: string): string =>
  (message.startsWith('Could not match the union') && ruleMessageIn(message)) || message;

/** Maps any thrown value to an AppError; unexpected ones become a bare 500. */
function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof ValidateError) return new ValidationError(fieldErrors(error));
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed') return malformedJson();
  if (type === 'entity.too.large') return new PayloadTooLargeError(config.http.jsonBodyLimit);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new BadRequestError('The request body encoding is not supported.', 'unsupported-encoding');
  }
  if (error instanceof ConnectionError || databaseUnavailable(error)) {
    return new ServiceUnavailableError('The database is unavailable. Try again shortly.');
  }
  // PostgreSQL refused to leave the shop without an active admin (whichever path tried).
  const lastAdmin = lastActiveAdminRefusal(error);
  if (lastAdmin) return lastAdmin;
  if (error instanceof UniqueConstraintError) return new ConflictError('This conflicts with an existing record.');
  // A model rule the request schema let through (e.g. an e-mail address the schema's pattern accepts).
  if (error instanceof ModelValidationError) {
    return new ValidationError(error.errors.map((item) => ({ field: item.path ?? 'body', message: item.message })));
  }
  const clientError = httpClientError(error);
  if (clientError) return clientError;
  const invalidData = unstorableInput(error);
  if (invalidData) return new ValidationError([], invalidData);
  return undefined;
}

/**
 * A last line of defence for input the schemas let through but PostgreSQL
 * cannot take (a NUL byte in text, a number out of range): 422, not 500.
 */
function unstorableInput(error: unknown): string | undefined {
  if (!(error instanceof SequelizeError)) return undefined;
  const code = (error as { parent?: { code?: string } }).parent?.code;
  if (code === '22021' || code === '22P05')
    return 'The request contains characters that cannot be stored (such as NUL).';
  if (code === '22003') return 'A number in the request is out of range.';
  if (code === '22P02' || code === '22007' || code === '22008') return 'A value in the request has an invalid format.';
  return undefined;
}

const CLIENT_ERROR_SLUGS: Record<number, [ProblemName, string]> = {
  400: ['bad-request', 'Bad request'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
};

/**
 * Client errors raised by Express and body-parser before any route runs (a
 * malformed %-escape in the path, a body that cannot be decompressed, too
 * many form fields): they carry their own 4xx status and a safe message.
 */
function httpClientError(error: unknown): AppError | undefined {
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  // Express marks an undecodable path parameter as a 400 URIError; http-errors mark safe ones `expose`.
  if (expose !== true && !(error instanceof URIError)) return undefined;
  const [slug, title] = CLIENT_ERROR_SLUGS[status] ?? ['bad-request', 'Bad request'];
  return new AppError(status, slug, title, typeof message === 'string' ? message : title);
}

/** Socket-level failures of a pooled connection whose server went away. */
const LOST_CONNECTION = /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up/;

/**
 * True for every way PostgreSQL can be unreachable mid-request: no pool
 * connection in time, a statement cancelled by its timeout, the server
 * shutting down or crashing (SQLSTATE 57P01-57P03, class 08), or a pooled
 * connection dropped under a query (no SQLSTATE at all, only a socket error).
 */
function databaseUnavailable(error: unknown): boolean {
  if (!(error instanceof SequelizeError)) return false;
  if (error.name === 'SequelizeConnectionAcquireTimeoutError') return true;
  const parent = (error as { parent?: { code?: string; message?: string } }).parent;
  const code = parent?.code ?? '';
  if (code === '57014' || code.startsWith('57P') || code.startsWith('08')) return true;
  return LOST_CONNECTION.test(`${code} ${parent?.message ?? error.message}`);
}

/** Express error middleware: the last `app.use` of the app. */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const known = toAppError(error);
  if (known) {
    if (known.status >= 500) logger.warn({ req_id: req.id, err: error }, known.message);
    sendProblem(req, res, known);
    return;
  }
  logger.error({ req_id: req.id, err: error }, 'unhandled error');
  sendProblem(
    req,
    res,
    new AppError(500, 'internal-error', 'Internal server error', 'Something went wrong on our side.'),
  );
};

/** 404 problem for any path no route matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(req, res, new NotFoundError(`No route for ${req.method} ${req.path}.`));
};
