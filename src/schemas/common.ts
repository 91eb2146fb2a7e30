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
 * An instant in UTC, as `Date#toISOString` writes it: ISO 8601 with
 * milliseconds, 24 characters (years 0000 to 9999).
 * @maxLength 24
 * @example "2026-11-25T14:30:00.000Z"
 */
export type Timestamp = Date;

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
 * (the rule: MONEY in src/rules.ts): ten digits, a point and two more at most.
 * @pattern ^\d{1,10}(\.\d{1,2})?$ Amounts must have at most ten digits before the point and two after it, e.g. 19.99
 * @maxLength 13 Amounts must have at most ten digits before the point and two after it, e.g. 19.99
 * @example "19.99"
 */
export type Money = string;

/** One page of a list. */
export interface Page<T> {
  /**
   * This page's items: at most `page_size` (so at most 100).
   * @maxItems 100
   */
  items: T[];
  /**
   * How many items match in all pages.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 42
   */
  total: number;
  page: PageNumber;
  page_size: PageSize;
}

/** Page 1 and 20 items unless the client asked otherwise. */
export const DEFAULT_PAGE_SIZE = 20;
