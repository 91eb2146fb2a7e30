/**
 * A database id: a positive whole number that fits PostgreSQL's INTEGER, so
 * an out-of-range id is a 422 rather than a database error.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 2147483647 must be at most 2147483647
 * @example 1
 */
export type Id = number;
