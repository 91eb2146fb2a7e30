/** A from/to range in a list's filter sidebar, for number properties (price, stock, an order's total). */
import type { PropertyOptions } from 'adminjs';
import { component } from '../components.js';

/**
 * `options` (a property's, e.g. money()'s) with the RangeFilter component as
 * its filter: staff type "from" and "to" (either may stay empty) and the list
 * shows the rows between, with their count (list-query.ts reads the range).
 * `step`/`min` shape the inputs (stock: whole numbers from 0).
 */
export function withRangeFilter(
  options: PropertyOptions = {},
  inputs: { step?: number | 'any'; min?: number } = {},
): PropertyOptions {
  return {
    ...options,
    custom: { ...options.custom, ...inputs },
    components: { ...options.components, filter: component('RangeFilter') },
  };
}
