/**
 * Field rules the models enforce on every create and update made through
 * them (the admin panel's forms, seed helpers), matching the API schemas and
 * the database's CHECK constraints.
 */
import { isWebUrl } from '../lib/urls.js';

/** 3–50 letters, digits, dots, dashes, underscores. */
export const USERNAME = /^[A-Za-z0-9_.-]{3,50}$/;

/** 5–32 characters in all: digits, spaces, parentheses, dashes, optional leading + (as the API schema). */
export const PHONE = /^(?=.{5,32}$)\+?[0-9 ()-]+$/;

/** A validator: at most `max` characters, counted as PostgreSQL's varchar counts them (code points). */
export const atMostCharacters =
  (max: number) =>
  (value: unknown): void => {
    if (typeof value === 'string' && [...value].length > max) throw new Error(`must be at most ${max} characters`);
  };

/** A positive amount with at most two decimals. */
export function isPositiveMoney(value: unknown): void {
  const text = String(value);
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(text) || Number(text) <= 0) {
    throw new Error('must be a positive amount with at most two decimals, e.g. 19.99');
  }
}

/** Empty, or an http(s) URL. */
export function isHttpUrl(value: unknown): void {
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'string' || !isWebUrl(value)) throw new Error('must be an http or https URL');
}
