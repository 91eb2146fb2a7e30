/** Orders after checkout: reading them, the status lifecycle and its side effects, and nobody else's orders. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Order, Product, type OrderStatus } from '../src/models/index.js';
import { ORDER_TRANSITIONS, transitionOrder } from '../src/services/order-service.js';
import { useTestApp } from './support/context.js';
import { bearer, userWithTokens } from './support/auth.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, orderAction, staffActor } from './support/shop.js';

const ctx = useTestApp();

async function orderOf(quantity = 2) {
  const category = await createCategory();
  const product = await createProduct(category.id, { price: '12.50', stock: 10 });
  const { user, tokens } = await userWithTokens(ctx.app);
  await addToCart(ctx.app, tokens.access_token, product.id, quantity);
  const order = await checkout(ctx.app, tokens.access_token);
  return { product, user, token: tokens.access_token, order };
}

const product = async (id: number) => (await Product.findByPk(id))!;

/** Moves a fresh order to `status` the way the shop would. */
async function orderIn(status: OrderStatus) {
  const made = await orderOf();
  const path: Record<OrderStatus, ('pay' | 'ship' | 'complete' | 'cancel')[]> = {
    pending: [],
    paid: ['pay'],
    shipped: ['pay', 'ship'],
    completed: ['pay', 'ship', 'complete'],
    cancelled: ['cancel'],
  };
  const staff = await staffActor();
  for (const action of path[status]) {
    await transitionOrder(made.order.id, action, action === 'pay' ? { kind: 'shopper', userId: made.user.id } : staff);
  }
  return made;
}

describe('reading orders', () => {
  it('lists only my orders, newest first, with paging and a status filter', async () => {
    const mine = await orderOf();
    await orderOf(); // someone else's
    await addToCart(ctx.app, mine.token, mine.product.id, 1);
    const second = await checkout(ctx.app, mine.token);
    await orderAction(ctx.app, mine.token, second.id, 'pay').expect(200);

    const all = await request(ctx.app).get('/api/v1/orders').set('Authorization', bearer(mine.token)).expect(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, page_size: 20 });
    expect(all.body.items.map((o: { id: number }) => o.id)).toEqual([second.id, mine.order.id]);
    expect(all.body.items[1]).toMatchObject({
      status: 'pending',
      total_amount: '25.00',
      item_count: 1,
      total_quantity: 2,
    });

    const paid = await request(ctx.app)
      .get('/api/v1/orders?status=paid')
      .set('Authorization', bearer(mine.token))
      .expect(200);
    expect(paid.body.items.map((o: { id: number }) => o.id)).toEqual([second.id]);
    const page2 = await request(ctx.app)
      .get('/api/v1/orders?page=2&page_size=1')
      .set('Authorization', bearer(mine.token))
      .expect(200);
    expect(page2.body).toMatchObject({ total: 2, page: 2, page_size: 1, items: [{ id: mine.order.id }] });

    await request(ctx.app).get('/api/v1/orders?status=lost').set('Authorization', bearer(mine.token)).expect(422);
    await request(ctx.app).get('/api/v1/orders?page_size=101').set('Authorization', bearer(mine.token)).expect(422);
  });

  it('shows one order with its lines', async () => {
    const { order, token, product: bought } = await orderOf(3);
    const res = await request(ctx.app)
      .get(`/api/v1/orders/${order.id}`)
      .set('Authorization', bearer(token))
      .expect(200);
    expect(res.body).toMatchObject({
      id: order.id,
      status: 'pending',
      total_amount: '37.50',
      items: [{ product_id: bought.id, quantity: 3, price: '12.50', subtotal: '37.50' }],
    });
    await request(ctx.app).get('/api/v1/orders/999999').set('Authorization', bearer(token)).expect(404);
  });
});

describe("another user's order is 404 everywhere (BOLA)", () => {
  it("GET, pay, cancel and confirm of A's order by B are 404 and change nothing", async () => {
    const a = await orderOf();
    const b = await userWithTokens(ctx.app);
    const asB = bearer(b.tokens.access_token);
    const get = await request(ctx.app).get(`/api/v1/orders/${a.order.id}`).set('Authorization', asB).expect(404);
    expect(get.body.detail).toBe(`Order ${a.order.id} does not exist.`);
    for (const action of ['pay', 'cancel', 'confirm'] as const) {
      await orderAction(ctx.app, b.tokens.access_token, a.order.id, action).expect(404);
    }
    const list = await request(ctx.app).get('/api/v1/orders').set('Authorization', asB).expect(200);
    expect(list.body.total).toBe(0);
    expect((await Order.findByPk(a.order.id))!.status).toBe('pending');
    expect((await product(a.product.id)).stock).toBe(8);
  });
});

describe('lifecycle', () => {
  it('pays (mock), counts the sale, and refuses to pay twice', async () => {
    const { order, token, product: bought } = await orderOf();
    const res = await orderAction(ctx.app, token, order.id, 'pay').expect(200);
    expect(res.body).toMatchObject({ status: 'paid', paid_at: expect.any(String) });
    expect((await product(bought.id)).sales_count).toBe(2);
    const again = await orderAction(ctx.app, token, order.id, 'pay').expect(409);
    expect(again.body).toMatchObject({ status: 409, order_status: 'paid', allowed: ['shipped', 'cancelled'] });
    expect((await product(bought.id)).sales_count).toBe(2);
  });

  it('cancelling a pending order puts the stock back', async () => {
    const { order, token, product: bought } = await orderOf(4);
    expect((await product(bought.id)).stock).toBe(6);
    const res = await orderAction(ctx.app, token, order.id, 'cancel').expect(200);
    expect(res.body).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String) });
    expect(await product(bought.id)).toMatchObject({ stock: 10, sales_count: 0 });
  });

  it('cancelling a paid order puts the stock back and uncounts the sale', async () => {
    const { order, token, product: bought } = await orderOf(3);
    await orderAction(ctx.app, token, order.id, 'pay').expect(200);
    await orderAction(ctx.app, token, order.id, 'cancel').expect(200);
    expect(await product(bought.id)).toMatchObject({ stock: 10, sales_count: 0 });
    await orderAction(ctx.app, token, order.id, 'cancel').expect(409);
    expect((await product(bought.id)).stock).toBe(10);
  });

  it('staff ship a paid order, then the shopper confirms receipt: completed', async () => {
    const { order, token } = await orderOf();
    await orderAction(ctx.app, token, order.id, 'pay').expect(200);
    const shipped = await transitionOrder(order.id, 'ship', await staffActor());
    expect(shipped).toMatchObject({ status: 'shipped', shipped_at: expect.any(Date) });
    const done = await orderAction(ctx.app, token, order.id, 'confirm').expect(200);
    expect(done.body).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
  });

  it('only staff can ship', async () => {
    const { order, user, token } = await orderOf();
    await orderAction(ctx.app, token, order.id, 'pay').expect(200);
    await expect(transitionOrder(order.id, 'ship', { kind: 'shopper', userId: user.id })).rejects.toMatchObject({
      status: 403,
    });
    expect((await Order.findByPk(order.id))!.status).toBe('paid');
  });

  it('follows the transition table exactly: every other move is 409 and changes nothing', async () => {
    const actions = { pay: 'paid', cancel: 'cancelled', ship: 'shipped', complete: 'completed' } as const;
    for (const from of Object.keys(ORDER_TRANSITIONS) as OrderStatus[]) {
      for (const [action, to] of Object.entries(actions) as [keyof typeof actions, OrderStatus][]) {
        const { order, user, product: bought } = await orderIn(from);
        const stockBefore = (await product(bought.id)).stock;
        const actor = action === 'pay' ? ({ kind: 'shopper', userId: user.id } as const) : await staffActor();
        const allowed = ORDER_TRANSITIONS[from].includes(to);
        const outcome = await transitionOrder(order.id, action, actor).then(
          (moved) => moved.status,
          (error: { status: number }) => error.status,
        );
        expect(outcome, `${action} from ${from}`).toBe(allowed ? to : 409);
        const now = await Order.findByPk(order.id);
        expect(now!.status, `${action} from ${from}`).toBe(allowed ? to : from);
        if (!allowed) expect((await product(bought.id)).stock).toBe(stockBefore);
      }
    }
  }, 60_000);

  it('a pay and a cancel racing on one order: exactly one wins, and stock matches the outcome', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { order, token, product: bought } = await orderOf(2);
      const [pay, cancel] = await Promise.all([
        orderAction(ctx.app, token, order.id, 'pay'),
        orderAction(ctx.app, token, order.id, 'cancel'),
      ]);
      const final = (await Order.findByPk(order.id))!.status;
      const state = await product(bought.id);
      if (final === 'cancelled') {
        // Either the cancel came first (pay then 409), or pay then cancel both succeeded.
        expect(cancel.status).toBe(200);
        expect([200, 409]).toContain(pay.status);
        expect(state).toMatchObject({ stock: 10, sales_count: 0 });
      } else {
        expect(final).toBe('paid');
        expect([pay.status, cancel.status]).toEqual([200, 409]);
        expect(state).toMatchObject({ stock: 8, sales_count: 2 });
      }
    }
  });
});
