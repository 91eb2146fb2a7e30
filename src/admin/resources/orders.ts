/**
 * Orders in the panel: found by customer, changed only through the order
 * actions (ship, complete, cancel; ship selected), exported as CSV.
 */
import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { flat } from 'adminjs';
import { Op, type WhereOptions, literal } from 'sequelize';
import { config } from '../../config.js';
import { type CancelReason, Order } from '../../models/index.js';
import { readOrder } from '../../services/order-service.js';
import { orderActions } from '../actions/order-actions.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { column, csvExport, referenceColumn } from '../csv-export.js';
import { containsText } from '../list-query.js';
import { orderStatusBadge } from './badges.js';
import { type PanelResource, SALES, hidden, money, off } from './shared.js';
import { withRangeFilter } from './range-filter.js';

/**
 * The orders list's customer search: orders of every account whose e-mail
 * or username contains the text, in any case and with or without accents
 * (the users' trigram indexes on f_unaccent(email) and f_unaccent(username)
 * find the accounts, orders_user_created_idx their orders; see
 * trigramSearchable for texts too short for them). Staff asked for it: a
 * customer on the phone gives an e-mail address, not an id.
 */
const ordersOfCustomer = (text: string): WhereOptions => ({
  user_id: {
    [Op.in]: literal(
      `(SELECT id FROM users WHERE ${containsText('email', text)} OR ${containsText('username', text)})`,
    ),
  },
});

/** Puts the order's lines into the record so the OrderItems component can show them. */
async function withOrderItems(response: RecordActionResponse, _request: ActionRequest, context: ActionContext) {
  const order = context.record ? await readOrder(Number(context.record.id())) : undefined;
  if (order) response.record.params = { ...response.record.params, ...flat.flatten({ items: order.items }) };
  return response;
}

/** Why an order was cancelled, in words. */
const CANCEL_REASONS: Record<CancelReason, string> = {
  shopper: 'By the customer',
  staff: 'By staff',
  expired: 'Not paid in time',
};

/** The orders list as a spreadsheet: one row per order, money as plain decimals. */
const ordersCsv = () =>
  csvExport([
    column('id', 'Order'),
    referenceColumn('user_id', 'email', 'Customer e-mail'),
    referenceColumn('user_id', 'username', 'Customer username'),
    column('status', 'Status'),
    column('total_amount', `Total (${config.admin.currency})`),
    column('shipping_address', 'Ship to'),
    column('created_at', 'Placed'),
    column('paid_at', 'Paid'),
    column('shipped_at', 'Shipped'),
    column('completed_at', 'Completed'),
    column('cancelled_at', 'Cancelled'),
    column('cancel_reason', 'Cancel reason'),
  ]);

export const orders: PanelResource = {
  id: 'orders',
  translations: {
    actions: {
      ship: 'Ship order',
      complete: 'Mark completed',
      cancel: 'Cancel order and restock',
      shipSelected: 'Ship selected',
      exportCsv: 'Export CSV',
    },
    properties: {
      id: 'Order',
      user_id: 'Customer',
      customer: 'Customer e-mail or username',
      status: 'Status',
      total_amount: 'Total',
      shipping_address: 'Ship to',
      items: 'Items',
      created_at: 'Placed',
      updated_at: 'Last changed',
      paid_at: 'Paid',
      shipped_at: 'Shipped',
      completed_at: 'Completed',
      cancelled_at: 'Cancelled',
      cancel_reason: 'Cancel reason',
      expires_at: 'Pay by',
    },
  },
  resource: () => ({
    resource: new AuditedResource(Order, { customFilters: { customer: ordersOfCustomer } }),
    options: {
      navigation: SALES,
      listProperties: ['id', 'user_id', 'status', 'total_amount', 'created_at'],
      filterProperties: ['status', 'customer', 'user_id', 'created_at', 'total_amount'],
      showProperties: [
        'id',
        'user_id',
        'status',
        'total_amount',
        'shipping_address',
        'items',
        'created_at',
        'paid_at',
        'shipped_at',
        'completed_at',
        'cancelled_at',
        'cancel_reason',
        'expires_at',
      ],
      properties: {
        user_id: { components: { list: component('Account'), show: component('Account') } },
        status: orderStatusBadge(),
        total_amount: withRangeFilter(money(), { step: 0.01, min: 0 }),
        cancel_reason: {
          availableValues: Object.entries(CANCEL_REASONS).map(([value, label]) => ({ value, label })),
        },
        items: {
          type: 'mixed',
          custom: { currency: config.admin.currency },
          components: { show: component('OrderItems') },
          isVisible: { show: true, list: false, edit: false, filter: false },
        },
        idempotency_key: hidden,
        idempotency_fingerprint: hidden,
        customer: {
          type: 'string',
          description: "Part of the customer's e-mail or username (any case).",
          isVisible: { list: false, show: false, edit: false, filter: true },
        },
      },
      sort: { sortBy: 'created_at', direction: 'desc' },
      actions: {
        ...orderActions(),
        exportCsv: ordersCsv(),
        // Orders come from checkout and change only through the actions above.
        new: off,
        edit: off,
        delete: off,
        bulkDelete: off,
        show: { after: withOrderItems },
      },
    },
  }),
};
