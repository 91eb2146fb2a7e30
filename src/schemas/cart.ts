import type { Id, Money } from './common.js';

/**
 * A line quantity: a whole number from 1 to 999 (the rule: QUANTITY in src/rules.ts).
 * @isInt Quantity must be a whole number from 1 to 999
 * @minimum 1 Quantity must be a whole number from 1 to 999
 * @maximum 999 Quantity must be a whole number from 1 to 999
 * @example 2
 */
export type Quantity = number;

/** One line of the cart with the product's current name, unit `price` and stock; `subtotal` = price × quantity. */
export interface CartLine {
  product_id: number;
  name: string;
  price: Money;
  quantity: number;
  subtotal: Money;
  /** Units in stock (may lag other shoppers' purchases by a few seconds; checkout checks live stock). */
  stock: number;
}

/** The caller's cart; `total_amount` is the sum of the subtotals. */
export interface CartOut {
  items: CartLine[];
  /** Sum of the quantities. */
  total_quantity: number;
  total_amount: Money;
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
