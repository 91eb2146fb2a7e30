import type { Id, Money } from './common.js';

/**
 * A line quantity: a whole number from 1 to 999 (the rule: QUANTITY in src/rules.ts).
 * @isInt Quantity must be a whole number from 1 to 999
 * @minimum 1 Quantity must be a whole number from 1 to 999
 * @maximum 999 Quantity must be a whole number from 1 to 999
 * @example 2
 */
export type Quantity = number;

/**
 * A sum in the cart (a line's subtotal, the cart's total): a decimal string
 * with two places. Cart sums are never stored, so NUMERIC(12,2) does not
 * bound them as it does prices and order amounts: up to 14 digits before the
 * point, the most JavaScript counts exactly in cents. Checkout refuses a
 * total above 9999999999.99.
 * @pattern ^\d{1,14}\.\d{2}$
 * @maxLength 17
 * @example "39.98"
 */
export type CartAmount = string;

/** One line of the cart with the product's current name, unit `price` and stock; `subtotal` = price × quantity. */
export interface CartLine {
  product_id: Id;
  /**
   * The product's name now.
   * @minLength 1
   * @maxLength 200
   * @example "Trail running shoes"
   */
  name: string;
  price: Money;
  quantity: Quantity;
  subtotal: CartAmount;
  /**
   * Units in stock (may lag other shoppers' purchases by a few seconds; checkout checks live stock).
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 25
   */
  stock: number;
}

/** The caller's cart; `total_amount` is the sum of the subtotals. */
export interface CartOut {
  /**
   * The lines, oldest first. Every line holds at least one unit and the cart
   * at most MAX_UNITS_PER_ORDER (100,000 at most), so there are no more lines than that.
   * @maxItems 100000
   */
  items: CartLine[];
  /**
   * Sum of the quantities: at most MAX_UNITS_PER_ORDER, which is 100,000 at most (src/config.ts).
   * @isInt
   * @minimum 0
   * @maximum 100000
   * @example 3
   */
  total_quantity: number;
  total_amount: CartAmount;
}

/** Put a product in the cart, or add to its line. */
export interface AddCartItemRequest {
  product_id: Id;
  quantity: Quantity;
}

/** Set a line's quantity. */
export interface SetCartItemRequest {
  quantity: Quantity;
}
