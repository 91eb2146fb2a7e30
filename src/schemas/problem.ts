/** One invalid input: which field (dotted path, e.g. `page_size` or `items[0].quantity`) and why. */
export interface FieldError {
  /** Dotted path of the offending field. */
  field: string;
  /** What is wrong with it, for a human. */
  message: string;
}

/** Present on `urn:emporium:problem:limit-reached`: the shop limit that the request would exceed. */
export interface LimitReached {
  /** Which limit: `max_pending_orders`, `max_units_per_line` or `max_units_per_order`. */
  name: 'max_pending_orders' | 'max_units_per_line' | 'max_units_per_order';
  /** The limit's value in this shop. */
  max: number;
}

/**
 * An RFC 9457 problem detail, sent as `application/problem+json` for every
 * error. Clients should branch on `status` and `type`; `title` and `detail`
 * are for humans.
 */
export interface ProblemDetails {
  /** A URI identifying the kind of problem, e.g. `urn:emporium:problem:validation-error`. */
  type: string;
  /** Short summary of the problem kind. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** What went wrong in this occurrence. */
  detail?: string;
  /** The request path this problem occurred on. */
  instance?: string;
  /** The X-Request-Id of the request, to quote when asking for support. */
  request_id?: string;
  /** Present on 422 validation problems: every invalid field. */
  errors?: FieldError[];
  limit?: LimitReached;
}
