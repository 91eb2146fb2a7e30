/** Orders in the panel: found by customer, changed only through the order actions (ship, complete, cancel). */
import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { flat } from 'adminjs';
import { Op, type WhereOptions, literal } from 'sequelize';
import { sequelize } from '../../db.js';
import { ORDER_STATUSES, Order } from '../../models/index.js';
import { readOrder } from '../../services/order-service.js';
import { orderActions } from '../actions/order-actions.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { containing, trigramSearchable } from '../list-query.js';
import { type PanelResource, SALES, hidden, off } from './shared.js';

/**
 * The orders list's customer search: orders of every account whose e-mail
 * or username contains the text, in any case (the users' trigram indexes
 * find the accounts, orders_user_created_idx their orders; see
 * trigramSearchable for texts too short for them). Staff asked for it: a
 * customer on the phone gives an e-mail address, not an id.
 */
const ordersOfCustomer = (text: string): WhereOptions => {
  const pattern = sequelize.escape(containing(text));
  const column = (name: string) => (trigramSearchable(text) ? name : `concat(${name})`);
  return {
    user_id: {
      [Op.in]: literal(
        `(SELECT id FROM users WHERE ${column('email')} ILIKE ${pattern} OR ${column('username')} ILIKE ${pattern})`,
      ),
    },
  };
};

/** Puts the order's lines into the record so the OrderItems component can show them. */
async function withOrderItems(response: RecordActionResponse, _request: ActionRequest, context: ActionContext) {
  const order = context.record ? await readOrder(Number(context.record.id())) : undefined;
  if (order) response.record.params = { ...response.record.params, ...flat.flatten({ items: order.items }) };
  return response;
}

export const orders: PanelResource = {
  id: 'orders',
  translations: { actions: { ship: 'Ship', complete: 'Complete', cancel: 'Cancel order' } },
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
        status: {
          availableValues: ORDER_STATUSES.map((value) => ({ value, label: value })),
        },
        items: {
          type: 'mixed',
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
