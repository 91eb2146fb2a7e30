import type { Id, Money, Timestamp } from './common.js';
import type { Quantity } from './cart.js';
import type { OrderStatus } from '../rules.js';

export type { OrderStatus };

/**
 * Where to send the order: free text, 5 to 500 characters.
 * @minLength 5 must be at least 5 characters
 * @maxLength 500 must be at most 500 characters
 * @pattern \S
 * @example "Ada Lovelace, 12 St James's Square, London SW1Y 4JH"
 */
export type ShippingAddress = string;

/**
 * A client-chosen key that makes a checkout safe to retry: 1 to 255
 * printable ASCII characters without spaces, e.g. a UUID.
 * @pattern ^[\x21-\x7E]{1,255}$
 * @maxLength 255
 * @example "3f1c2f7e-6a55-4d7e-9a57-0c3bb3b0a1f2"
 */
export type IdempotencyKey = string;

/** Check out the whole cart. */
export interface CheckoutRequest {
  shipping_address: ShippingAddress;
}

/** One line of an order as it was bought: the product's name and unit `price` at checkout; `subtotal` = price × quantity. */
export interface OrderItemOut {
  product_id: Id;
  /**
   * The product's name at checkout.
   * @minLength 1
   * @maxLength 200
   * @example "Trail running shoes"
   */
  product_name: string;
  price: Money;
  quantity: Quantity;
  subtotal: Money;
}

/** An order with its lines; `total_amount` is the sum of the lines' subtotals. */
export interface OrderOut {
  id: Id;
  status: OrderStatus;
  total_amount: Money;
  shipping_address: ShippingAddress;
  /**
   * The lines: as many as the cart had, so at most MAX_UNITS_PER_ORDER (100,000 at most).
   * @maxItems 100000
   */
  items: OrderItemOut[];
  created_at: Timestamp;
  updated_at: Timestamp;
  /**
   * When it was paid (ISO 8601 UTC, as `created_at`).
   * @maxLength 24
   * @example "2026-11-25T14:35:00.000Z"
   */
  paid_at: Date | null;
  /**
   * When staff shipped it.
   * @maxLength 24
   * @example "2026-11-26T09:00:00.000Z"
   */
  shipped_at: Date | null;
  /**
   * When its shopper confirmed delivery.
   * @maxLength 24
   * @example "2026-11-28T17:20:00.000Z"
   */
  completed_at: Date | null;
  /**
   * When it was cancelled.
   * @maxLength 24
   * @example "2026-11-25T15:00:00.000Z"
   */
  cancelled_at: Date | null;
  /**
   * Until when a pending order holds its stock: unpaid by then, it is
   * cancelled (`cancel_reason` "expired") and its units go back on sale.
   * @maxLength 24
   * @example "2026-11-25T15:00:00.000Z"
   */
  expires_at: Date | null;
  // The model's CancelReason spelled out: tsoa writes a nullable alias as a bare $ref, which is invalid.
  /** Why a cancelled order was cancelled: by its shopper, by staff, or "expired" (not paid in time). */
  cancel_reason: 'shopper' | 'staff' | 'expired' | null;
}

/** An order in a list. */
export interface OrderSummary {
  id: Id;
  status: OrderStatus;
  total_amount: Money;
  /**
   * Number of lines: each holds at least one unit, so no more than `total_quantity`.
   * @isInt
   * @minimum 1
   * @maximum 100000
   * @example 2
   */
  item_count: number;
  /**
   * Units over all lines: at most MAX_UNITS_PER_ORDER, which is 100,000 at most (src/config.ts).
   * @isInt
   * @minimum 1
   * @maximum 100000
   * @example 3
   */
  total_quantity: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A product that could not be bought in the requested quantity. */
export interface StockShortage {
  product_id: Id;
  /**
   * The product's name.
   * @minLength 1
   * @maxLength 200
   * @example "Trail running shoes"
   */
  name: string;
  /**
   * Units the cart holds of it.
   * @isInt
   * @minimum 1
   * @maximum 999
   * @example 3
   */
  requested: number;
  /**
   * Units available (0 for a product no longer sold).
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 1
   */
  available: number;
}
