/**
 * Orders after checkout: reading them, and every status change. The allowed
 * changes are one table (ORDER_TRANSITIONS) checked in one place
 * (`transitionOrder`), which the API and the admin panel both call, so the
 * same rules and stock handling hold everywhere.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { config } from '../config.js';
import { queryRows, sequelize } from '../db.js';
import { ConflictError, ForbiddenError, IllegalTransitionError, NotFoundError } from '../errors.js';
import { logger } from '../logger.js';
import type { CancelReason, OrderStatus } from '../models/index.js';
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
  /** The system, when a pending order was not paid by its deadline; puts the stock back. */
  expire: { to: 'cancelled', by: ['system'] },
} as const satisfies Record<string, { to: OrderStatus; by: readonly Actor['kind'][] }>;

/** An order action's name. */
export type OrderAction = keyof typeof ORDER_ACTIONS;

/** Who acts on an order: its shopper (who may only touch their own orders), staff, or the system itself. */
export type Actor = { kind: 'shopper'; userId: number } | { kind: 'staff'; adminId: number } | { kind: 'system' };

/** What a cancellation records as its reason, by who cancelled. */
const CANCEL_REASON: Record<Actor['kind'], CancelReason> = { shopper: 'shopper', staff: 'staff', system: 'expired' };

/** How the audit log explains an expiry. */
const EXPIRY_REASON = `not paid within ${config.orders.pendingTtlMinutes} minutes`;

const TIMESTAMP: Partial<Record<OrderStatus, string>> = {
  paid: 'paid_at',
  shipped: 'shipped_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
};

/** An orders row as read here: the API's order without its lines, plus the owner. */
type OrderRow = Omit<OrderOut, 'items'> & { user_id: number };

const ORDER_COLUMNS = `id, user_id, status, total_amount, shipping_address, created_at, updated_at,
   paid_at, shipped_at, completed_at, cancelled_at, expires_at, cancel_reason`;

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

/** What happened inside transitionOrder's transaction. */
type Transitioned =
  | { order: OrderOut; from: OrderStatus }
  /** A payment came after the deadline: the order was expired instead (committed), and the payment is refused. */
  | { order: OrderOut; from: OrderStatus; expiredInstead: true }
  /** The system's expiry found nothing to do (paid meanwhile, or being handled by another sweeper). */
  | undefined;

/**
 * Moves an order to the status `action` leads to, if ORDER_TRANSITIONS
 * allows it from where the order is (409 otherwise), with the side effects
 * in the same transaction: paying counts the units as sold; cancelling puts
 * them back in stock (and uncounts them if they had been paid) and records
 * who cancelled; a staff or system action writes its audit row. A shopper
 * may only act on their own orders (404 for anyone else's).
 *
 * A pending order past its payment deadline (`expires_at`) can no longer be
 * paid: paying it expires it there and then (cancelled, stock back) and
 * answers 409. The system's `expire` skips an order another transaction has
 * locked (a payment, another sweeper) and one that is no longer pending or
 * not yet due, so each unpaid order is expired exactly once.
 */
export async function transitionOrder(orderId: number, action: OrderAction, actor: Actor): Promise<OrderOut> {
  const done = await applyTransition(orderId, action, actor);
  if (!done) throw new ConflictError(`Order ${orderId} has nothing to expire.`);
  const { order, from } = done;
  const productIds = order.items.map((item) => item.product_id);
  if (order.status === 'paid' || (order.status === 'cancelled' && from !== 'pending'))
    await invalidateSales(productIds);
  else if (order.status === 'cancelled') await invalidateStock(productIds);
  if ('expiredInstead' in done) {
    throw new IllegalTransitionError(
      'cancelled',
      [],
      `Order ${orderId} was not paid by its deadline and has been cancelled; its items are back on sale.`,
    );
  }
  return order;
}

async function applyTransition(orderId: number, action: OrderAction, actor: Actor): Promise<Transitioned> {
  const { by } = ORDER_ACTIONS[action];
  if (!(by as readonly string[]).includes(actor.kind)) throw new ForbiddenError(`Only staff can ${action} an order.`);

  return withRetry(() =>
    sequelize.transaction(async (transaction): Promise<Transitioned> => {
      const owner = actor.kind === 'shopper' ? ' AND user_id = $2' : '';
      // The system never waits for an order someone else holds, nor touches one not yet due.
      const lock = actor.kind === 'system' ? `AND expires_at <= now() FOR UPDATE SKIP LOCKED` : 'FOR UPDATE';
      const [row] = await sequelize.query<{ status: OrderStatus; overdue: boolean }>(
        `SELECT status, status = 'pending' AND expires_at <= now() AS overdue
           FROM orders WHERE id = $1${owner} ${lock}`,
        { bind: actor.kind === 'shopper' ? [orderId, actor.userId] : [orderId], type: QueryTypes.SELECT, transaction },
      );
      if (!row && actor.kind === 'system') return undefined;
      if (!row) throw new NotFoundError(`Order ${orderId} does not exist.`);
      if (actor.kind === 'system' && row.status !== 'pending') return undefined;

      const expiredInstead = action === 'pay' && row.overdue;
      const effective: OrderAction = expiredInstead ? 'expire' : action;
      const by: Actor = expiredInstead ? { kind: 'system' } : actor;
      const { to } = ORDER_ACTIONS[effective];
      if (!ORDER_TRANSITIONS[row.status].includes(to)) {
        throw new IllegalTransitionError(
          row.status,
          ORDER_TRANSITIONS[row.status],
          `An order that is ${row.status} cannot be moved to ${to}.`,
        );
      }
      const lines = await orderItems(orderId, transaction);
      if (to === 'paid') await adjustProducts('sales_count', lines, 1, transaction);
      if (to === 'cancelled') {
        await adjustProducts('stock', lines, 1, transaction);
        if (row.status !== 'pending') await adjustProducts('sales_count', lines, -1, transaction);
      }
      // After the products: the status change locks the shopper's row (its pending-orders count), and
      // every writer takes products before users, so none can deadlock with a checkout.
      await sequelize.query(
        `UPDATE orders SET status = $2, ${TIMESTAMP[to]} = now(), updated_at = now(), cancel_reason = $3 WHERE id = $1`,
        { bind: [orderId, to, to === 'cancelled' ? CANCEL_REASON[by.kind] : null], transaction },
      );
      if (by.kind !== 'shopper') {
        // Staff and system changes are audited in the same transaction: no log row, no change.
        const changes = { status: { old: row.status, new: to } };
        await recordAdminAction(
          {
            adminId: by.kind === 'staff' ? by.adminId : null,
            action: effective,
            targetType: 'orders',
            targetId: orderId,
            changes,
            ...(by.kind === 'system' ? { reason: EXPIRY_REASON } : {}),
          },
          transaction,
        );
      }
      const order = (await readOrder(orderId, undefined, transaction))!;
      return expiredInstead ? { order, from: row.status, expiredInstead } : { order, from: row.status };
    }),
  );
}

/** How many due orders one sweep pass reads at a time. */
const EXPIRY_BATCH = 100;

/**
 * Cancels every pending order whose payment deadline has passed, putting
 * its stock back (the job engine runs this, see jobs/). Safe to run in any
 * number of processes at once: each order is expired exactly once
 * (transitionOrder's `expire`). Returns how many orders this call expired.
 */
export async function expireUnpaidOrders(): Promise<number> {
  let expired = 0;
  let afterId = 0;
  for (;;) {
    const due = await queryRows<{ id: number }>(
      `SELECT id FROM orders WHERE status = 'pending' AND expires_at <= now() AND id > $1 ORDER BY id LIMIT $2`,
      [afterId, EXPIRY_BATCH],
    );
    for (const { id } of due) {
      if (await applyTransition(id, 'expire', { kind: 'system' }).then(invalidateAfter)) expired += 1;
    }
    if (due.length < EXPIRY_BATCH) break;
    afterId = due[due.length - 1]!.id;
  }
  if (expired > 0) logger.info({ expired, ttl_minutes: config.orders.pendingTtlMinutes }, 'unpaid orders expired');
  return expired;
}

/** After an expiry: the restocked products' cached pages go. True when an order was expired. */
async function invalidateAfter(done: Transitioned): Promise<boolean> {
  if (!done) return false;
  await invalidateStock(done.order.items.map((item) => item.product_id));
  return true;
}
