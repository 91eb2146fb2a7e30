/**
 * One error class with a kind, mapped to HTTP in one place
 * (middleware/error-handler.ts). Services throw these; nothing else decides
 * status codes.
 */
import type { StockShortage } from './schemas/order.js';
import type { FieldError, LimitReached, ProblemName, ProblemType } from './schemas/problem.js';
import type { OrderStatus } from './rules.js';

/** Builds the problem `type` URI for a problem slug. */
export const problemType = (slug: ProblemName): ProblemType => `urn:emporium:problem:${slug}` as ProblemType;

/**
 * Base of every expected error: carries the HTTP status and RFC 9457 fields.
 * A client error (4xx) is an answer, not a fault: it is made without a stack
 * trace (capturing one costs more than the rest of a short request's error
 * path, and none is ever shown or logged for it).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: ProblemName,
    readonly title: string,
    detail?: string,
    /** Extra problem members (e.g. `errors`, `checks`), sent as they are. */
    readonly extensions: Record<string, unknown> = {},
    /** Response headers to add (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(detail ?? title, options);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
  }
}

/** 400: the request cannot be read at all (e.g. malformed JSON). */
export class BadRequestError extends AppError {
  constructor(detail: string, slug: ProblemName = 'bad-request') {
    super(400, slug, 'Bad request', detail);
  }
}

/** 400 for a request body that is not JSON (body-parser's `entity.parse.failed`, or the panel's body reader). */
export const malformedJson = (): BadRequestError =>
  new BadRequestError('The request body is not valid JSON.', 'malformed-json');

/** 401: no valid credentials. */
export class UnauthorizedError extends AppError {
  constructor(detail = 'Authentication is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' });
  }
}

/**
 * 401 from the staff panel: no staff session. No WWW-Authenticate: the panel
 * signs in with a form and a cookie, which no HTTP authentication scheme
 * names (UnauthorizedError's `Bearer` would point clients the wrong way).
 */
export class SignInRequiredError extends AppError {
  constructor(detail: string) {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends AppError {
  constructor(detail = 'You are not allowed to do this.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

/** 404: the thing does not exist (or is not yours to see). */
export class NotFoundError extends AppError {
  constructor(detail = 'The requested resource does not exist.') {
    super(404, 'not-found', 'Not found', detail);
  }
}

/** 409: the request conflicts with the current state (a taken name, a second review); the subtypes below say more. */
export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

/** 409 `out-of-stock` (OutOfStockProblem): checkout found lines short of stock; nothing changed. */
export class OutOfStockError extends AppError {
  constructor(products: StockShortage[], detail: string) {
    super(409, 'out-of-stock', 'Out of stock', detail, { products });
  }
}

/** 409 `insufficient-stock` (InsufficientStockProblem): a cart line would hold more than is in stock. */
export class InsufficientStockError extends AppError {
  constructor(productId: number, available: number, detail: string) {
    super(409, 'insufficient-stock', 'Not enough stock', detail, { product_id: productId, available });
  }
}

/** 409 `illegal-transition` (IllegalTransitionProblem): the order's status does not allow the action. */
export class IllegalTransitionError extends AppError {
  constructor(orderStatus: OrderStatus, allowed: readonly OrderStatus[], detail: string) {
    super(409, 'illegal-transition', 'Illegal status change', detail, { order_status: orderStatus, allowed });
  }
}

/** 409 `idempotency-key-in-use` (IdempotencyKeyInUseProblem): a request with this key is still running. */
export class IdempotencyKeyInUseError extends AppError {
  constructor() {
    super(
      409,
      'idempotency-key-in-use',
      'Idempotency-Key in use',
      'A request with this Idempotency-Key is still being processed. Retry shortly.',
    );
  }
}

/** 413: the body is larger than JSON_BODY_LIMIT. */
export class PayloadTooLargeError extends AppError {
  constructor(limit: string) {
    super(413, 'payload-too-large', 'Payload too large', `The request body exceeds the ${limit} limit.`);
  }
}

/** 415: the body, or a part of it (such as a file), is of a kind this endpoint does not take. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}

/** How long a field path and a message may be, and how many fields are listed (ValidationProblem): longer is cut. */
const FIELD_MAX = 200;
const MESSAGE_MAX = 1000;
const ERRORS_MAX = 1000;
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** 422: the request is well-formed but its values are invalid. */
export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields.') {
    const bounded = errors.slice(0, ERRORS_MAX).map(({ field, message }) => ({
      field: cut(field, FIELD_MAX),
      message: cut(message, MESSAGE_MAX),
    }));
    super(422, 'validation-error', 'Validation failed', detail, { errors: bounded });
  }
}

/**
 * A shop limit (config `orders`) that the request would exceed: 409 when it
 * is about what the shopper already holds (unpaid orders), 422 when it is
 * about the request's own quantities. The problem names the limit.
 */
export class LimitReachedError extends AppError {
  constructor(status: 409 | 422, limit: LimitReached, detail: string) {
    super(status, 'limit-reached', 'Limit reached', detail, { limit });
  }
}

/** 429: too many requests; the client should retry after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests. Try again later.') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'rate-limited', 'Too many requests', detail, {}, { 'Retry-After': String(seconds) });
  }
}

/** 503: a dependency (PostgreSQL, Redis) is unavailable; retrying later may work. */
export class ServiceUnavailableError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(503, 'service-unavailable', 'Service unavailable', detail, extensions, { 'Retry-After': '5' }, options);
  }
}
