/**
 * The error bodies: RFC 9457 problem details, sent as
 * `application/problem+json`. `ProblemDetails` is every problem's shape;
 * the subtypes below add their own members and are told apart by `type`.
 * Each is declared exactly (no other members), so a validating client can
 * trust what it reads. The classes that produce them are in src/errors.ts.
 */
import type { ReadinessReport } from './health.js';
import type { StockShortage } from './order.js';
import type { OrderStatus } from '../rules.js';

/** One invalid input: which field (dotted path, e.g. `page_size` or `items[0].quantity`) and why. */
export interface FieldError {
  /**
   * Dotted path of the offending field (a name the client sent is cut at 200 characters).
   * @maxLength 200
   * @example "page_size"
   */
  field: string;
  /**
   * What is wrong with it, for a human (cut at 1000 characters).
   * @maxLength 1000
   * @example "must be at most 100"
   */
  message: string;
}

/** Present on `urn:emporium:problem:limit-reached`: the shop limit that the request would exceed. */
export interface LimitReached {
  /** Which limit: `max_pending_orders`, `max_units_per_line` or `max_units_per_order`. */
  name: 'max_pending_orders' | 'max_units_per_line' | 'max_units_per_order';
  /**
   * The limit's value in this shop.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 3
   */
  max: number;
}

/**
 * The kinds of problem with no members of their own, as `type` URIs:
 * `urn:emporium:problem:<name>`.
 */
export type GenericProblemType =
  | 'urn:emporium:problem:bad-request'
  | 'urn:emporium:problem:malformed-json'
  | 'urn:emporium:problem:unsupported-encoding'
  | 'urn:emporium:problem:malformed-body'
  | 'urn:emporium:problem:unauthorized'
  | 'urn:emporium:problem:forbidden'
  | 'urn:emporium:problem:not-found'
  | 'urn:emporium:problem:conflict'
  | 'urn:emporium:problem:payload-too-large'
  | 'urn:emporium:problem:unsupported-media-type'
  | 'urn:emporium:problem:rate-limited'
  | 'urn:emporium:problem:internal-error'
  | 'urn:emporium:problem:service-unavailable';

/**
 * A problem's `title`: a short summary of its kind, for humans (the same for
 * every occurrence of a kind; branch on `type`, not on this).
 * @maxLength 100
 * @example "Not found"
 */
export type ProblemTitle = string;

/**
 * A problem's `detail`: what went wrong in this occurrence, for humans
 * (it may quote names from the shop; never parse it).
 * @maxLength 2000
 * @example "Order 42 does not exist."
 */
export type ProblemText = string;

/** The members every problem has (RFC 9457, plus the request id). */
interface ProblemMembers {
  title: ProblemTitle;
  /**
   * The HTTP status code.
   * @isInt
   * @minimum 400
   * @maximum 599
   * @example 404
   */
  status: number;
  detail?: ProblemText;
  /**
   * The request path this problem occurred on.
   * @maxLength 8192
   * @pattern ^/
   * @example "/api/v1/orders/42"
   */
  instance?: string;
  /**
   * The X-Request-Id of the request, to quote when asking for support.
   * @maxLength 128
   * @pattern ^[A-Za-z0-9._:-]{1,128}$
   * @example "0f8e2a4c-3c1b-4d7a-9b1e-5f6a7b8c9d0e"
   */
  request_id?: string;
}

/**
 * An RFC 9457 problem detail of a kind with no members of its own, sent as
 * `application/problem+json`. Clients should branch on `status` and `type`;
 * `title` and `detail` are for humans. The kinds with members of their own
 * are the other problem schemas; every `type` belongs to one schema only, so
 * a union of them is told apart by `type`.
 */
export interface ProblemDetails extends ProblemMembers {
  type: GenericProblemType;
}

/** 422 `urn:emporium:problem:validation-error`: the request's values are invalid; `errors` names each field. */
export interface ValidationProblem extends ProblemMembers {
  type: 'urn:emporium:problem:validation-error';
  /**
   * Every invalid field, up to 1000 (empty when the problem is not about one field).
   * @maxItems 1000
   */
  errors: FieldError[];
}

/** 409 or 422 `urn:emporium:problem:limit-reached`: the request would exceed a shop limit, named in `limit`. */
export interface LimitReachedProblem extends ProblemMembers {
  type: 'urn:emporium:problem:limit-reached';
  limit: LimitReached;
}

/** 409 `urn:emporium:problem:out-of-stock`: checkout found lines short of stock (`products`); nothing changed. */
export interface OutOfStockProblem extends ProblemMembers {
  type: 'urn:emporium:problem:out-of-stock';
  /**
   * Each product that could not be bought in the quantity asked for.
   * @minItems 1
   * @maxItems 100000
   */
  products: StockShortage[];
}

/** 409 `urn:emporium:problem:insufficient-stock`: a cart line would hold more than `available`. */
export interface InsufficientStockProblem extends ProblemMembers {
  type: 'urn:emporium:problem:insufficient-stock';
  /**
   * The product's id.
   * @isInt
   * @minimum 1
   * @maximum 2147483647
   * @example 7
   */
  product_id: number;
  /**
   * Units in stock now.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 2
   */
  available: number;
}

/**
 * 409 `urn:emporium:problem:illegal-transition`: the order's status does not
 * allow this; `order_status` is its status now, `allowed` the statuses it can
 * still move to.
 */
export interface IllegalTransitionProblem extends ProblemMembers {
  type: 'urn:emporium:problem:illegal-transition';
  order_status: OrderStatus;
  /** @maxItems 5 */
  allowed: OrderStatus[];
}

/** 409 `urn:emporium:problem:idempotency-key-in-use`: a checkout with this Idempotency-Key is still running; retry shortly. */
export interface IdempotencyKeyInUseProblem extends ProblemMembers {
  type: 'urn:emporium:problem:idempotency-key-in-use';
}

/** 503 from GET /ready: which dependency did not answer (all may be "ok" while the server is shutting down). */
export interface NotReadyProblem extends ProblemMembers {
  type: 'urn:emporium:problem:service-unavailable';
  checks: ReadinessReport['checks'];
}

/** Every problem `type` the API sends. */
export type ProblemType =
  | GenericProblemType
  | ValidationProblem['type']
  | LimitReachedProblem['type']
  | OutOfStockProblem['type']
  | InsufficientStockProblem['type']
  | IllegalTransitionProblem['type']
  | IdempotencyKeyInUseProblem['type'];

/** A problem kind's name: the last part of its `type` URI (`not-found`). */
export type ProblemName = ProblemType extends infer T
  ? T extends `urn:emporium:problem:${infer N}`
    ? N
    : never
  : never;
