/**
 * Unpaid orders hold their stock for PENDING_ORDER_TTL_MINUTES at most: then
 * the job engine (BullMQ) cancels them, puts the stock back and audits why,
 * exactly once however many instances sweep, and a restart loses no work.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { sequelize } from '../src/db.js';
import { type JobRunner, startJobs } from '../src/jobs/index.js';
import { AdminLog, Order, Product } from '../src/models/index.js';
import { expireUnpaidOrders, transitionOrder } from '../src/services/order-service.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, orderAction, staffActor } from './support/shop.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();

/** A shopper with one pending order of `quantity` units of a product that had `stock`. */
async function pendingOrder(stock = 10, quantity = 2) {
  const product = await createProduct((await createCategory()).id, { stock });
  const { user, tokens } = await userWithTokens(ctx.app);
  await addToCart(ctx.app, tokens.access_token, product.id, quantity);
  const order = await checkout(ctx.app, tokens.access_token);
  return { product, user, token: tokens.access_token, order };
}

/** Moves the order's payment deadline into the past, as if PENDING_ORDER_TTL_MINUTES had gone by. */
const makeOverdue = (orderId: number) =>
  sequelize.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, { bind: [orderId] });

const stockOf = async (productId: number) => (await Product.findByPk(productId))!.stock;
const pendingCount = async (userId: number) =>
  (await oneRow<{ pending_orders: number }>('SELECT pending_orders FROM users WHERE id = $1', [userId])).pending_orders;

/** Polls until `check` is true (the job engine works on its own schedule). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the job engine');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the payment deadline of an order', () => {
  it('is set at checkout to PENDING_ORDER_TTL_MINUTES ahead, and shown to the shopper', async () => {
    const { order } = await pendingOrder();
    expect(order.status).toBe('pending');
    expect(order.cancel_reason).toBeNull();
    const ahead = new Date(order.expires_at!).getTime() - new Date(order.created_at).getTime();
    expect(Math.abs(ahead - config.orders.pendingTtlMinutes * 60_000)).toBeLessThan(1_000);
  });
});

describe('expireUnpaidOrders', () => {
  it('cancels an overdue order once with two sweepers at once: stock back, reason audited, shopper sees it', async () => {
    const late = await pendingOrder(10, 2);
    const onTime = await pendingOrder(10, 3);
    await makeOverdue(late.order.id);
    expect(await stockOf(late.product.id)).toBe(8);
    expect(await pendingCount(late.user.id)).toBe(1);

    const swept = await Promise.all([expireUnpaidOrders(), expireUnpaidOrders()]);
    expect(swept[0] + swept[1]).toBe(1);

    expect(await stockOf(late.product.id)).toBe(10);
    expect(await stockOf(onTime.product.id)).toBe(7);
    expect(await pendingCount(late.user.id)).toBe(0);
    expect(await pendingCount(onTime.user.id)).toBe(1);
    const row = (await Order.findByPk(late.order.id))!;
    expect(row).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect(row.cancelled_at).not.toBeNull();
    expect((await Order.findByPk(onTime.order.id))!.status).toBe('pending');

    const logs = await AdminLog.findAll({ raw: true });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      admin_id: null,
      action: 'expire',
      target_type: 'orders',
      target_id: String(late.order.id),
      details: {
        changes: { status: { old: 'pending', new: 'cancelled' } },
        reason: `not paid within ${config.orders.pendingTtlMinutes} minutes`,
      },
    });

    const seen = await request(ctx.app)
      .get(`/api/v1/orders/${late.order.id}`)
      .set('Authorization', bearer(late.token))
      .expect(200);
    expect(seen.body).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    // Product pages show the stock that came back (the cached page was dropped).
    const page = await request(ctx.app).get(`/api/v1/products/${late.product.id}`).expect(200);
    expect(page.body.stock).toBe(10);

    expect(await expireUnpaidOrders()).toBe(0);
    expect(await stockOf(late.product.id)).toBe(10);
  });

  it('leaves paid, cancelled and not-yet-due orders alone', async () => {
    const paid = await pendingOrder();
    await orderAction(ctx.app, paid.token, paid.order.id, 'pay').expect(200);
    const cancelled = await pendingOrder();
    await orderAction(ctx.app, cancelled.token, cancelled.order.id, 'cancel').expect(200);
    const fresh = await pendingOrder();
    for (const { order } of [paid, cancelled]) await makeOverdue(order.id);

    expect(await expireUnpaidOrders()).toBe(0);
    expect((await Order.findByPk(paid.order.id))!.status).toBe('paid');
    expect((await Order.findByPk(cancelled.order.id))!).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'shopper',
    });
    expect((await Order.findByPk(fresh.order.id))!.status).toBe('pending');
    expect(await stockOf(cancelled.product.id)).toBe(10);
    expect(await AdminLog.count()).toBe(0);
  });

  it('never expires an order that is being paid at that moment (the payment wins or the expiry does, not both)', async () => {
    const made = await pendingOrder(10, 2);
    await makeOverdue(made.order.id);
    // The expiry and the payment race; whichever locks the row first decides, and the stock comes back at most once.
    const [swept, paid] = await Promise.all([
      expireUnpaidOrders(),
      orderAction(ctx.app, made.token, made.order.id, 'pay'),
    ]);
    expect(paid.status).toBe(409); // overdue: a payment is refused either way
    expect(swept).toBeLessThanOrEqual(1);
    expect((await Order.findByPk(made.order.id))!).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect(await stockOf(made.product.id)).toBe(10);
    expect(await AdminLog.count()).toBe(1);
  });
});

describe('paying after the deadline', () => {
  it('is 409: the order is cancelled there and then and its stock goes back', async () => {
    const { product, user, token, order } = await pendingOrder(10, 4);
    await makeOverdue(order.id);
    const res = await orderAction(ctx.app, token, order.id, 'pay').expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('not paid by its deadline');
    expect(await stockOf(product.id)).toBe(10);
    expect((await Order.findByPk(order.id))!).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect((await Product.findByPk(product.id))!.sales_count).toBe(0);
    expect(await pendingCount(user.id)).toBe(0);
    // And only once: a second attempt is the ordinary "not pending" 409.
    const again = await orderAction(ctx.app, token, order.id, 'pay').expect(409);
    expect(again.body.detail).toContain('cancelled cannot be moved to paid');
    expect(await stockOf(product.id)).toBe(10);
  });

  it('is fine before the deadline', async () => {
    const { token, order } = await pendingOrder();
    const res = await orderAction(ctx.app, token, order.id, 'pay').expect(200);
    expect(res.body).toMatchObject({ status: 'paid', cancel_reason: null });
  });
});

describe('cancellation reasons', () => {
  it('records who cancelled: the shopper or staff', async () => {
    const mine = await pendingOrder();
    const byShopper = await orderAction(ctx.app, mine.token, mine.order.id, 'cancel').expect(200);
    expect(byShopper.body.cancel_reason).toBe('shopper');
    const theirs = await pendingOrder();
    const byStaff = await transitionOrder(theirs.order.id, 'cancel', await staffActor());
    expect(byStaff.cancel_reason).toBe('staff');
  });
});

describe('the job engine (BullMQ)', () => {
  it('runs the expiry on a schedule: two workers expire each order once, and a restart loses no work', async () => {
    const fast = { everyMs: { 'expire-unpaid-orders': 200 } };
    const orders = await Promise.all([1, 2, 3, 4].map(() => pendingOrder(10, 2)));
    for (const { order } of orders) await makeOverdue(order.id);
    const cancelled = async () => Order.count({ where: { status: 'cancelled' } });

    const instances: JobRunner[] = [startJobs(fast), startJobs(fast)];
    try {
      await eventually(async () => (await cancelled()) === 4);
      // Give a second round of both workers the chance to double-count anything.
      await new Promise((resolve) => setTimeout(resolve, 600));
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
    expect(await cancelled()).toBe(4);
    for (const { product } of orders) expect(await stockOf(product.id)).toBe(10);
    expect(await AdminLog.count({ where: { action: 'expire' } })).toBe(4);

    // While no instance runs, another order comes due; the next start finds it.
    const later = await pendingOrder(10, 2);
    await makeOverdue(later.order.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await Order.findByPk(later.order.id))!.status).toBe('pending');
    const restarted = startJobs(fast);
    try {
      await eventually(async () => (await Order.findByPk(later.order.id))!.status === 'cancelled');
    } finally {
      await restarted.close();
    }
    expect(await stockOf(later.product.id)).toBe(10);
    expect(await AdminLog.count({ where: { action: 'expire' } })).toBe(5);
  });
});
