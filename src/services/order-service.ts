/**
 * Orders after checkout: reading them, and every status change. The allowed
 * changes are one table (ORDER_TRANSITIONS) checked in one place
 * (`transitionOrder`), which the API and the admin panel both call, so the
 * same rules and stock handling hold everywhere.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { OrderStatus } from '../models/index.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../schemas/common.js';
import type { OrderItemOut, OrderOut, OrderSummary } from '../schemas/order.js';
import { recordAdminAction } from './audit-service.js';
import { invalidateSales, invalidateStock } from './catalog-cache.js';
import { withRetry } from './transactions.js';

/** From each status, the statuses an order may move to. Anything else is a 409. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['completed'],
  completed: [],
  cancelled: [],
};

/** What can be done to an order, the status it leads to, and who may do it. */
export const ORDER_ACTIONS = {
  /** Mock payment by the shopper. */
  pay: { to: 'paid', by: ['shopper'] },
  /** By the shopper or staff; puts the stock back. */
  cancel: { to: 'cancelled', by: ['shopper', 'staff'] },
  /** Staff only (admin panel). */
  ship: { to: 'shipped', by: ['staff'] },
  /** The shopper confirms receipt, or staff completes it. */
  complete: { to: 'completed', by: ['shopper', 'staff'] },
} as const satisfies Record<string, { to: OrderStatus; by: readonly Actor['kind'][] }>;

/** An order action's name. */
export type OrderAction = keyof typeof ORDER_ACTIONS;

/** Who acts on an order: its shopper (who may only touch their own orders) or staff. */
export type Actor = { kind: 'shopper'; userId: number } | { kind: 'staff'; adminId: number };

const TIMESTAMP: Partial<Record<OrderStatus, string>> = {
  paid: 'paid_at',
  shipped: 'shipped_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
};

/** An orders row as read here: the API's order without its lines, plus the owner. */
type OrderRow = Omit<OrderOut, 'items'> & { user_id: number };

const ORDER_COLUMNS =
  'id, user_id, status, total_amount, shipping_address, created_at, updated_at, paid_at, shipped_at, completed_at, cancelled_at';

async function orderItems(orderId: number, transaction?: Transaction): Promise<OrderItemOut[]> {
  return sequelize.query<OrderItemOut>(
    `SELECT product_id, product_name, price, quantity, subtotal FROM order_items WHERE order_id = $1 ORDER BY id`,
    { bind: [orderId], type: QueryTypes.SELECT, transaction },
  );
}

function toOrderOut(row: OrderRow, items: OrderItemOut[]): OrderOut {
  const { user_id: _owner, ...order } = row;
  return { ...order, items };
}

/** The order (of `ownerId`, when given) with its lines, or undefined. */
export async function readOrder(
  orderId: number,
  ownerId?: number,
  transaction?: Transaction,
): Promise<OrderOut | undefined> {
  const owner = ownerId === undefined ? '' : ' AND user_id = $2';
  const [row] = await sequelize.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1${owner}`, {
    bind: ownerId === undefined ? [orderId] : [orderId, ownerId],
    type: QueryTypes.SELECT,
    transaction,
  });
  return row && toOrderOut(row, await orderItems(orderId, transaction));
}

/**
 * An order with its lines. A shopper sees only their own: anyone else's
 * order is a 404, exactly like one that does not exist.
 */
export async function getOrder(orderId: number, actor: Actor): Promise<OrderOut> {
  const order = await readOrder(orderId, actor.kind === 'shopper' ? actor.userId : undefined);
  if (!order) throw new NotFoundError(`Order ${orderId} does not exist.`);
  return order;
}

/** One page of the shopper's orders, newest first, optionally with one status. */
export async function listOrders(
  userId: number,
  page = 1,
  pageSize = DEFAULT_PAGE_SIZE,
  status?: OrderStatus,
): Promise<Page<OrderSummary>> {
  const bind: unknown[] = [userId];
  let where = 'o.user_id = $1';
  if (status) {
    bind.push(status);
    where += ' AND o.status = $2';
  }
  const [items, [{ total }]] = await Promise.all([
    sequelize.query<OrderSummary>(
      `SELECT o.id, o.status, o.total_amount, o.created_at, o.updated_at,
              (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.id) AS item_count,
              (SELECT coalesce(sum(i.quantity), 0)::int FROM order_items i WHERE i.order_id = o.id) AS total_quantity
         FROM orders o WHERE ${where}
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
      { bind, type: QueryTypes.SELECT },
    ),
    sequelize.query<{ total: number }>(`SELECT count(*)::int AS total FROM orders o WHERE ${where}`, {
      bind,
      type: QueryTypes.SELECT,
    }) as Promise<[{ total: number }]>,
  ]);
  return { items, total, page, page_size: pageSize };
}

/**
 * Adds `sign` × each line's quantity to a product column (stock or
 * sales_count), locking the products in id order first so that concurrent
 * orders over the same products can never deadlock.
 */
export async function adjustProducts(
  column: 'stock' | 'sales_count',
  lines: { product_id: number; quantity: number }[],
  sign: 1 | -1,
  transaction: Transaction,
): Promise<void> {
  const ids = lines.map((line) => line.product_id);
  await sequelize.query('SELECT id FROM products WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE', {
    bind: [ids],
    transaction,
  });
  await sequelize.query(
    `UPDATE products p SET ${column} = p.${column} + $3 * v.quantity, updated_at = now()
       FROM unnest($1::int[], $2::int[]) AS v(id, quantity) WHERE p.id = v.id`,
    { bind: [ids, lines.map((line) => line.quantity), sign], transaction },
  );
}

/**
 * Moves an order to the status `action` leads to, if ORDER_TRANSITIONS
 * allows it from where the order is (409 otherwise), with the side effects
 * in the same transaction: paying counts the units as sold; cancelling puts
 * them back in stock (and uncounts them if they had been paid); a staff
 * action writes its audit row. A shopper may only act on their own orders
 * (404 for anyone else's).
 */
export async function transitionOrder(orderId: number, action: OrderAction, actor: Actor): Promise<OrderOut> {
  const { to, by } = ORDER_ACTIONS[action];
  if (!(by as readonly string[]).includes(actor.kind)) throw new ForbiddenError(`Only staff can ${action} an order.`);

  const { order, from } = await withRetry(() =>
    sequelize.transaction(async (transaction) => {
      const owner = actor.kind === 'shopper' ? ' AND user_id = $2' : '';
      const [row] = await sequelize.query<{ status: OrderStatus }>(
        `SELECT status FROM orders WHERE id = $1${owner} FOR UPDATE`,
        { bind: actor.kind === 'shopper' ? [orderId, actor.userId] : [orderId], type: QueryTypes.SELECT, transaction },
      );
      if (!row) throw new NotFoundError(`Order ${orderId} does not exist.`);
      if (!ORDER_TRANSITIONS[row.status].includes(to)) {
        throw new ConflictError(`An order that is ${row.status} cannot be moved to ${to}.`, {
          order_status: row.status,
          allowed: ORDER_TRANSITIONS[row.status],
        });
      }
      const lines = await orderItems(orderId, transaction);
      if (to === 'paid') await adjustProducts('sales_count', lines, 1, transaction);
      if (to === 'cancelled') {
        await adjustProducts('stock', lines, 1, transaction);
        if (row.status !== 'pending') await adjustProducts('sales_count', lines, -1, transaction);
      }
      await sequelize.query(
        `UPDATE orders SET status = $2, ${TIMESTAMP[to]} = now(), updated_at = now() WHERE id = $1`,
        { bind: [orderId, to], transaction },
      );
      if (actor.kind === 'staff') {
        // Staff changes are audited in the same transaction: no log row, no change.
        const changes = { status: { old: row.status, new: to } };
        await recordAdminAction(
          { adminId: actor.adminId, action, targetType: 'orders', targetId: orderId, changes },
          transaction,
        );
      }
      return { order: (await readOrder(orderId, undefined, transaction))!, from: row.status };
    }),
  );

  const productIds = order.items.map((item) => item.product_id);
  if (to === 'paid' || (to === 'cancelled' && from !== 'pending')) await invalidateSales(productIds);
  else if (to === 'cancelled') await invalidateStock(productIds);
  return order;
}
