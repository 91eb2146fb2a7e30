import type { Money } from './common.js';
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
 * @example "3f1c2f7e-6a55-4d7e-9a57-0c3bb3b0a1f2"
 */
export type IdempotencyKey = string;

/** Check out the whole cart. */
export interface CheckoutRequest {
  shipping_address: ShippingAddress;
}

/** One line of an order as it was bought: the product's name and unit `price` at checkout; `subtotal` = price × quantity. */
export interface OrderItemOut {
  product_id: number;
  product_name: string;
  price: Money;
  quantity: number;
  subtotal: Money;
}

/** An order with its lines; `total_amount` is the sum of the lines' subtotals. */
export interface OrderOut {
  id: number;
  status: OrderStatus;
  total_amount: Money;
  shipping_address: string;
  items: OrderItemOut[];
  /** ISO 8601 UTC timestamps. */
  created_at: Date;
  updated_at: Date;
  paid_at: Date | null;
  shipped_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  /**
   * Until when a pending order holds its stock: unpaid by then, it is
   * cancelled (`cancel_reason` "expired") and its units go back on sale.
   */
  expires_at: Date | null;
  // The model's CancelReason spelled out: tsoa writes a nullable alias as a bare $ref, which is invalid.
  /** Why a cancelled order was cancelled: by its shopper, by staff, or "expired" (not paid in time). */
  cancel_reason: 'shopper' | 'staff' | 'expired' | null;
}

/** An order in a list. */
export interface OrderSummary {
  id: number;
  status: OrderStatus;
  total_amount: Money;
  /** Number of lines. */
  item_count: number;
  /** Units over all lines. */
  total_quantity: number;
  /** ISO 8601 UTC timestamps. */
  created_at: Date;
  updated_at: Date;
}

/** A product that could not be bought in the requested quantity. */
export interface StockShortage {
  product_id: number;
  name: string;
  requested: number;
  /** Units available (0 for a product no longer sold). */
  available: number;
}
