/**
 * A database id: a positive whole number that fits PostgreSQL's INTEGER, so
 * an out-of-range id is a 422 rather than a database error.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 2147483647 must be at most 2147483647
 * @example 1
 */
export type Id = number;

/**
 * A page number, from 1.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 100000 must be at most 100000
 * @example 1
 */
export type PageNumber = number;

/**
 * Items per page, 1 to 100.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 100 must be at most 100
 * @example 20
 */
export type PageSize = number;

/**
 * A money amount: a decimal string with at most two places, e.g. "19.99"
 * (the rule: MONEY in src/rules.ts).
 * @pattern ^\d{1,10}(\.\d{1,2})?$ Amounts must have at most ten digits before the point and two after it, e.g. 19.99
 * @example "19.99"
 */
export type Money = string;

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** How many items match in all pages. */
  total: number;
  page: number;
  page_size: number;
}

/** Page 1 and 20 items unless the client asked otherwise. */
export const DEFAULT_PAGE_SIZE = 20;
