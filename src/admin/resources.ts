/**
 * The panel's resources: navigation groups (Catalog, Sales, Customers,
 * System), list columns, filters, sorting and which actions exist. Writes go
 * through AuditedResource (transactional, audited); order and review actions
 * through the services.
 */
import type { ActionContext, ActionRequest, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { flat } from 'adminjs';
import { Op, type WhereOptions, literal } from 'sequelize';
import { sequelize } from '../db.js';
import { AdminLog, Cart, Category, Order, OrderItem, Product, Review, User } from '../models/index.js';
import { readOrder } from '../services/order-service.js';
import { type ActionComponents, bulkDeleteAll, orderActions, reviewActions } from './actions.js';
import { AuditedResource } from './audited-resource.js';
import { containing, trigramSearchable } from './list-query.js';

/** Component names registered by panel.ts. */
export interface ResourceComponents extends ActionComponents {
  OrderItems: string;
}

const CATALOG = { name: 'Catalog', icon: 'ShoppingBag' };
const SALES = { name: 'Sales', icon: 'DollarSign' };
const CUSTOMERS = { name: 'Customers', icon: 'Users' };
const SYSTEM = { name: 'System', icon: 'Settings' };

const hidden = { isVisible: false };
const shownNotEdited = { isVisible: { list: true, filter: true, show: true, edit: false } };
const off = { isAccessible: false, isVisible: false };
/** For tables only the services write (carts, order lines) and the append-only audit log. */
const readOnly = { new: off, edit: off, delete: off, bulkDelete: off };

/**
 * The record to edit is the one in the URL: a posted `id` field would
 * otherwise replace it (AdminJS merges the form into the record first).
 */
const editTheRecordInTheUrl = {
  before: (request: ActionRequest) => {
    if (request.payload) delete request.payload.id;
    return request;
  },
};

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

/** Every resource of the panel. */
export function resources(components: ResourceComponents): ResourceWithOptions[] {
  return [
    {
      resource: new AuditedResource(Product),
      options: {
        navigation: CATALOG,
        listProperties: ['id', 'name', 'price', 'stock', 'category_id', 'archived', 'rating_avg', 'sales_count'],
        filterProperties: ['name', 'category_id', 'price', 'stock', 'archived', 'created_at'],
        editProperties: ['name', 'description', 'price', 'stock', 'category_id', 'image_url', 'archived'],
        properties: {
          description: { type: 'textarea' },
          rating_avg: shownNotEdited,
          review_count: shownNotEdited,
          sales_count: shownNotEdited,
        },
        sort: { sortBy: 'id', direction: 'desc' },
        actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
      },
    },
    {
      resource: new AuditedResource(Category),
      options: {
        navigation: CATALOG,
        listProperties: ['id', 'name', 'sort_order', 'updated_at'],
        properties: { description: { type: 'textarea' } },
        sort: { sortBy: 'sort_order', direction: 'asc' },
        actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
      },
    },
    {
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
            availableValues: ['pending', 'paid', 'shipped', 'completed', 'cancelled'].map((value) => ({
              value,
              label: value,
            })),
          },
          items: {
            type: 'mixed',
            components: { show: components.OrderItems },
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
          ...orderActions(components),
          // Orders come from checkout and change only through the actions above.
          new: off,
          edit: off,
          delete: off,
          bulkDelete: off,
          show: { after: withOrderItems },
        },
      },
    },
    {
      resource: new AuditedResource(OrderItem),
      options: {
        navigation: SALES,
        listProperties: ['id', 'order_id', 'product_name', 'quantity', 'price', 'subtotal'],
        actions: readOnly,
      },
    },
    {
      resource: new AuditedResource(Review),
      options: {
        navigation: SALES,
        listProperties: ['id', 'product_id', 'user_id', 'rating', 'visible', 'created_at'],
        filterProperties: ['product_id', 'user_id', 'order_id', 'rating', 'visible', 'created_at'],
        properties: { content: { type: 'textarea' } },
        sort: { sortBy: 'created_at', direction: 'desc' },
        actions: { ...reviewActions(components), new: off, edit: off, bulkDelete: bulkDeleteAll },
      },
    },
    {
      resource: new AuditedResource(User),
      options: {
        navigation: CUSTOMERS,
        listProperties: ['id', 'username', 'email', 'role', 'is_active', 'created_at'],
        filterProperties: ['username', 'email', 'role', 'is_active', 'created_at'],
        editProperties: ['username', 'email', 'phone', 'role', 'is_active', 'new_password'],
        properties: {
          password_hash: hidden,
          new_password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true } },
          role: { availableValues: ['customer', 'admin'].map((value) => ({ value, label: value })) },
        },
        sort: { sortBy: 'id', direction: 'desc' },
        actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
      },
    },
    {
      resource: new AuditedResource(Cart),
      options: {
        navigation: CUSTOMERS,
        listProperties: ['id', 'user_id', 'product_id', 'quantity', 'updated_at'],
        actions: readOnly,
      },
    },
    {
      resource: new AuditedResource(AdminLog),
      options: {
        navigation: SYSTEM,
        listProperties: ['id', 'created_at', 'admin_id', 'action', 'target_type', 'target_id'],
        filterProperties: ['admin_id', 'action', 'target_type', 'target_id', 'created_at'],
        sort: { sortBy: 'created_at', direction: 'desc' },
        actions: readOnly,
      },
    },
  ];
}
