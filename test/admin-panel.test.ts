/**
 * The staff panel over HTTP (AdminJS's own JSON API, as its frontend calls
 * it): sessions, the audit trail of every kind of change, its atomicity,
 * order and review actions through the shared services, and caches.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { AdminLog, Category, Order, Product, Review, User } from '../src/models/index.js';
import { ADMIN_SESSION_PREFIX } from '../src/admin/panel.js';
import { redis } from '../src/redis.js';
import { redisKeys } from './support/redis-claims.js';
import { STAFF_PASSWORD, clerkForm, form, staffSession } from './support/admin.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';
import { addToCart, checkout, completedOrder, orderAction } from './support/shop.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;
const logs = () => AdminLog.findAll({ order: [['id', 'ASC']], raw: true });
const sessionKeys = () => redisKeys(redis, `${ADMIN_SESSION_PREFIX}*`);

describe('sessions', () => {
  it('regenerates the session id at login and deletes the session at logout', async () => {
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const agent = request.agent(ctx.app);
    // An anonymous visit to a protected page starts a session (to remember where to go back).
    const before = await agent.get('/admin/resources/products').expect(302);
    const anonymous = /emporium\.admin\.sid=([^;]+)/.exec(before.headers['set-cookie']?.[0] ?? '')?.[1];
    const login = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'boss@shop.test', password: STAFF_PASSWORD })
      .expect(302);
    const signedIn = /emporium\.admin\.sid=([^;]+)/.exec(login.headers['set-cookie']?.[0] ?? '')?.[1];
    expect(signedIn).toBeDefined();
    expect(signedIn).not.toBe(anonymous);
    expect(await sessionKeys()).toHaveLength(1);

    await agent.get('/admin/logout').expect(302);
    expect(await sessionKeys()).toEqual([]);
    await agent.get('/admin/api/resources/products/actions/list').expect(302);
  });

  it('ends the session of an admin who was deactivated or demoted since logging in', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    // Another active admin remains: the last one cannot be deactivated (test/last-admin.test.ts).
    await createUser({ username: 'deputy', role: 'admin' });
    await agent.get(api('products/actions/list')).expect(200);
    await User.update({ is_active: false }, { where: { id: admin.id } });
    const res = await agent.get(api('products/actions/list')).expect(302);
    expect(res.headers.location).toBe('/admin/login');
    expect(await sessionKeys()).toEqual([]);
  });

  it("accepts its own pages' POSTs (same-origin fetch metadata, even with Origin: null)", async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    await agent
      .post(api('categories/actions/new'))
      .set('Origin', 'null')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send(form({ name: 'Garden', sort_order: 5 }))
      .expect(200);
    await agent
      .post(api(`categories/records/${category.id}/delete`))
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect(await Category.count()).toBe(2);
  });
});

describe('list pages', () => {
  it('sorts by the primary key when sortBy names no column (__proto__, toString, unknown), never 500', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    await createProduct(category.id, { name: 'Bravo' });
    await createProduct(category.id, { name: 'Alpha' });
    for (const sortBy of ['__proto__', 'toString', 'constructor', 'nope']) {
      const res = await agent.get(api(`products/actions/list?sortBy=${sortBy}&direction=desc`)).expect(200);
      const names = (res.body.records as { params: { name: string } }[]).map((record) => record.params.name);
      expect(names, sortBy).toEqual(['Alpha', 'Bravo']);
    }
    const byName = await agent.get(api('products/actions/list?sortBy=name&direction=asc')).expect(200);
    expect((byName.body.records as { params: { name: string } }[]).map((record) => record.params.name)).toEqual([
      'Alpha',
      'Bravo',
    ]);
  });

  it('answers 422 to filter names AdminJS cannot take (Object.prototype members, brackets), never 500', async () => {
    const { agent } = await staffSession(ctx.app);
    await createProduct((await createCategory()).id, { name: 'Alpha' });
    for (const name of [
      'filters.constructor',
      'filters.toString',
      'filters.__proto__',
      'filters.a%5B',
      'constructor',
    ]) {
      const res = await agent.get(api(`products/actions/list?${name}=1`)).expect(422);
      expect(res.headers['content-type'], name).toMatch(/^application\/problem\+json/);
    }
    const filtered = await agent.get(api('products/actions/list?filters.name=Alpha')).expect(200);
    expect(filtered.body.records).toHaveLength(1);
  });

  it('finds products by any part of the name in any case (lamp, LAMP, Lamp); % and _ are plain characters', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    for (const name of ['Desk Lamp', 'Lampshade 100% linen', 'Kettle']) await createProduct(category.id, { name });
    const found = async (text: string) => {
      const res = await agent.get(api(`products/actions/list?filters.name=${encodeURIComponent(text)}`)).expect(200);
      const names = (res.body.records as { params: { name: string } }[]).map((record) => record.params.name);
      return { total: res.body.meta.total as number, names: names.sort() };
    };
    const lamps = { total: 2, names: ['Desk Lamp', 'Lampshade 100% linen'] };
    expect(await found('lamp')).toEqual(lamps);
    expect(await found('LAMP')).toEqual(lamps);
    expect(await found('Lamp')).toEqual(lamps);
    expect(await found('100%')).toEqual({ total: 1, names: ['Lampshade 100% linen'] });
    expect(await found('%')).toEqual({ total: 1, names: ['Lampshade 100% linen'] });
    expect(await found('_')).toEqual({ total: 0, names: [] });
    // Other text filters too: an account by its e-mail in capitals.
    await createUser({ email: 'Clerk.Jones@Shop.test' });
    const users = await agent.get(api('users/actions/list?filters.email=CLERK.JONES')).expect(200);
    expect((users.body.records as { params: { email: string } }[]).map((record) => record.params.email)).toEqual([
      'Clerk.Jones@Shop.test',
    ]);
  });

  it("filters orders by the customer's e-mail or username (any case), and by status exactly", async () => {
    const { agent } = await staffSession(ctx.app);
    const first = await paidOrder();
    const second = await paidOrder();
    const customerOf = async (orderId: number) => (await Order.findByPk(orderId))!.user_id;
    const customer = (await User.findByPk(await customerOf(first.order.id)))!;
    const ids = async (query: string) => {
      const res = await agent.get(api(`orders/actions/list?${query}`)).expect(200);
      return (res.body.records as { params: { id: number } }[]).map((record) => Number(record.params.id)).sort();
    };
    expect(await ids(`filters.customer=${encodeURIComponent(customer.email.toUpperCase())}`)).toEqual([first.order.id]);
    expect(await ids(`filters.customer=${encodeURIComponent(customer.username)}`)).toEqual([first.order.id]);
    expect(await ids('filters.customer=example.TEST')).toEqual([first.order.id, second.order.id].sort());
    expect(await ids('filters.customer=nobody%40nowhere.test')).toEqual([]);
    expect(await ids(`filters.user_id=${await customerOf(second.order.id)}`)).toEqual([second.order.id]);
    expect(await ids('filters.status=paid')).toEqual([first.order.id, second.order.id].sort());
    // A status is one of a list: matched exactly, not as a part.
    expect(await ids('filters.status=pai')).toEqual([]);
  });

  it('pages through orders placed at the same instant without repeating or skipping one', async () => {
    const { agent } = await staffSession(ctx.app);
    const orders = [await paidOrder(), await paidOrder(), await paidOrder()].map(({ order }) => order.id);
    await sequelize.query(`UPDATE orders SET created_at = '2026-12-01T12:00:00Z'`);
    const seen: number[] = [];
    for (const page of [1, 2, 3]) {
      const res = await agent.get(api(`orders/actions/list?perPage=1&page=${page}`)).expect(200);
      seen.push(...(res.body.records as { params: { id: number } }[]).map((record) => Number(record.params.id)));
      expect(res.body.meta.total).toBe(3);
    }
    expect(seen.sort()).toEqual(orders.sort());
  });
});

describe('audit log', () => {
  it('create writes one row with every new value', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const res = await agent
      .post(api('products/actions/new'))
      .type('form')
      .send(form({ name: 'Desk Lamp', price: '24.50', stock: 7, category_id: category.id }))
      .expect(200);
    expect(res.body.notice.type).toBe('success');
    const product = await Product.findOne({ where: { name: 'Desk Lamp' } });
    expect(product).toMatchObject({ price: '24.50', stock: 7 });
    const [row] = await logs();
    expect(row).toMatchObject({
      admin_id: admin.id,
      action: 'create',
      target_type: 'products',
      target_id: String(product!.id),
    });
    expect(row!.details).toMatchObject({
      changes: {
        name: { old: null, new: 'Desk Lamp' },
        price: { old: null, new: '24.50' },
        stock: { old: null, new: 7 },
      },
    });
  });

  it('edit writes the changed fields only, old and new', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const product = await createProduct(category.id, { name: 'Kite', price: '19.99', stock: 4 });
    await agent
      .post(api(`products/records/${product.id}/edit`))
      .type('form')
      .send(form({ name: 'Kite', price: '24.99', stock: 4, category_id: category.id }))
      .expect(200);
    const rows = await logs();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      admin_id: admin.id,
      action: 'edit',
      target_type: 'products',
      target_id: String(product.id),
    });
    expect(rows[0]!.details).toEqual({ changes: { price: { old: '19.99', new: '24.99' } } });
  });

  it('delete writes the deleted values; a product that was ordered is archived instead', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const unsold = await createProduct(category.id, { name: 'Unsold' });
    const sold = await createProduct(category.id, { name: 'Sold' });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, sold.id, 1);
    await checkout(ctx.app, shopper.tokens.access_token);

    await agent.post(api(`products/records/${unsold.id}/delete`)).expect(200);
    await agent.post(api(`products/records/${sold.id}/delete`)).expect(200);

    expect(await Product.findByPk(unsold.id)).toBeNull();
    expect((await Product.findByPk(sold.id))!.archived).toBe(true);
    const rows = await logs();
    expect(rows.map((row) => [row.action, row.target_id])).toEqual([
      ['delete', String(unsold.id)],
      ['archive', String(sold.id)],
    ]);
    expect(rows[0]!.details).toMatchObject({ changes: { name: { old: 'Unsold', new: null } } });
    expect(rows[1]!.details).toEqual({ changes: { archived: { old: false, new: true } } });
  });

  it('bulk delete writes one row per record, all or nothing', async () => {
    const { agent } = await staffSession(ctx.app);
    const empty = await createCategory({ name: 'Empty A' });
    const alsoEmpty = await createCategory({ name: 'Empty B' });
    const full = await createCategory({ name: 'Full' });
    await createProduct(full.id);

    // One of them still has products: nothing is deleted, nothing is logged.
    const refused = await agent.post(api(`categories/bulk/bulkDelete?recordIds=${empty.id},${full.id}`)).expect(200);
    expect(refused.body.notice.type).toBe('error');
    expect(await Category.count()).toBe(3);
    expect(await logs()).toEqual([]);

    await agent.post(api(`categories/bulk/bulkDelete?recordIds=${empty.id},${alsoEmpty.id}`)).expect(200);
    expect(await Category.count()).toBe(1);
    const rows = await logs();
    expect(rows.map((row) => [row.action, row.target_type, row.target_id])).toEqual([
      ['bulkDelete', 'categories', String(empty.id)],
      ['bulkDelete', 'categories', String(alsoEmpty.id)],
    ]);
  });

  it("never logs a password hash; a typed password is stored hashed and ends the user's logins", async () => {
    const { agent } = await staffSession(ctx.app);
    await agent.post(api('users/actions/new')).type('form').send(clerkForm('first-password-1')).expect(200);
    const clerk = await User.findOne({ where: { username: 'clerk' } });
    expect(clerk!.password_hash).toMatch(/^\$2b\$/);
    const login = await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: 'clerk', password: 'first-password-1' });
    const tokens = login.body as { refresh_token: string };

    await agent
      .post(api(`users/records/${clerk!.id}/edit`))
      .type('form')
      .send(clerkForm('second-password-2'))
      .expect(200);
    await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: 'clerk', password: 'second-password-2' })
      .expect(200);
    // The staff reset ended the login made with the old password.
    await request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: tokens.refresh_token }).expect(401);

    const rows = await logs();
    expect(JSON.stringify(rows)).not.toMatch(/\$2[aby]\$|password_hash|first-password|second-password/);
    expect(rows[1]!.details).toEqual({ changes: { password: { old: '(set)', new: '(changed)' } } });
  });

  it('refuses to edit or delete audit rows, through the panel and in the database', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    await agent
      .post(api(`categories/records/${category.id}/edit`))
      .type('form')
      .send(form({ name: 'Renamed', sort_order: 1 }));
    const [row] = await logs();
    const edit = await agent
      .post(api(`admin_logs/records/${row!.id}/edit`))
      .type('form')
      .send(form({ action: 'nothing' }));
    expect(edit.body.notice.message).toBe('forbiddenError');
    const remove = await agent.post(api(`admin_logs/records/${row!.id}/delete`));
    expect(remove.body.notice.message).toBe('forbiddenError');
    await agent
      .post(api(`admin_logs/actions/new`))
      .type('form')
      .send(form({ action: 'forged', target_type: 'x' }));
    expect(await logs()).toEqual([row]);
  });

  it('keeps a change unsaved when its audit row cannot be written', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const product = await createProduct(category.id, { price: '19.99' });
    // A real failure in PostgreSQL: every audit insert is refused for the length of this test.
    await sequelize.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON admin_logs FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
    try {
      const res = await agent
        .post(api(`products/records/${product.id}/edit`))
        .type('form')
        .send(form({ name: product.name, price: '99.99', stock: 10, category_id: category.id }));
      expect(res.status).toBe(500);
      expect((await Product.findByPk(product.id))!.price).toBe('19.99');
      const { order } = await paidOrder();
      const cancel = await agent
        .post(api(`orders/records/${order.id}/cancel`))
        .type('form')
        .send(form({ confirmed: 'yes' }));
      expect(cancel.status).toBe(500);
      expect((await Order.findByPk(order.id))!.status).toBe('paid');
    } finally {
      await sequelize.query('DROP TRIGGER refuse_audit ON admin_logs; DROP FUNCTION refuse_audit();');
    }
    expect(await logs()).toEqual([]);
  });
});

/** A paid order of a fresh shopper (two units of a fresh product), and the shopper's token. */
async function paidOrder() {
  const category = await createCategory();
  const product = await createProduct(category.id, { stock: 5 });
  const shopper = await userWithTokens(ctx.app);
  await addToCart(ctx.app, shopper.tokens.access_token, product.id, 2);
  const order = await checkout(ctx.app, shopper.tokens.access_token);
  await orderAction(ctx.app, shopper.tokens.access_token, order.id, 'pay').expect(200);
  return { order, product, token: shopper.tokens.access_token };
}

describe('order and review actions', () => {
  it('ship goes through the order service (audited), then the shopper confirms: completed', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const { order, token } = await paidOrder();
    const res = await agent
      .post(api(`orders/records/${order.id}/ship`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(res.body.notice).toEqual({ message: `Order #${order.id} is shipped.`, type: 'success' });
    expect((await Order.findByPk(order.id))!.status).toBe('shipped');
    const done = await orderAction(ctx.app, token, order.id, 'confirm').expect(200);
    expect(done.body.status).toBe('completed');
    expect(await logs()).toMatchObject([
      {
        admin_id: admin.id,
        action: 'ship',
        target_type: 'orders',
        target_id: String(order.id),
        details: { changes: { status: { old: 'paid', new: 'shipped' } } },
      },
    ]);
  });

  it('a GET of an action changes nothing (only the confirm POST does)', async () => {
    const { agent } = await staffSession(ctx.app);
    const { order } = await paidOrder();
    await agent.get(api(`orders/records/${order.id}/ship`)).expect(200);
    expect((await Order.findByPk(order.id))!.status).toBe('paid');
    expect(await logs()).toEqual([]);
  });

  it('cancel puts the stock back and is audited; a second cancel is refused by the same rules', async () => {
    const { agent } = await staffSession(ctx.app);
    const { order, product } = await paidOrder();
    expect((await Product.findByPk(product.id))!.stock).toBe(3);
    await agent
      .post(api(`orders/records/${order.id}/cancel`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect((await Product.findByPk(product.id))!.stock).toBe(5);
    const again = await agent
      .post(api(`orders/records/${order.id}/cancel`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(again.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('cancelled') });
    expect((await Product.findByPk(product.id))!.stock).toBe(5);
    expect((await logs()).map((row) => row.action)).toEqual(['cancel']);
  });

  it('orders cannot be created, edited or deleted in the panel', async () => {
    const { agent } = await staffSession(ctx.app);
    const { order } = await paidOrder();
    const edit = await agent
      .post(api(`orders/records/${order.id}/edit`))
      .type('form')
      .send(form({ status: 'completed', total_amount: '0.01' }));
    expect(edit.body.notice.message).toBe('forbiddenError');
    expect(await Order.findByPk(order.id)).toMatchObject({ status: 'paid' });
  });

  it('hiding a review takes it out of the product page and the rating, audited', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const product = await createProduct(category.id);
    const shopper = await userWithTokens(ctx.app);
    const order = await completedOrder(ctx.app, shopper.tokens.access_token, [{ productId: product.id }]);
    await request(ctx.app)
      .post('/api/v1/reviews')
      .set('Authorization', bearer(shopper.tokens.access_token))
      .send({ order_id: order.id, product_id: product.id, rating: 2 })
      .expect(201);
    const review = (await Review.findOne())!;
    expect((await request(ctx.app).get(`/api/v1/products/${product.id}`)).body.review_count).toBe(1);

    await agent
      .post(api(`reviews/records/${review.id}/hide`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    const page = await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    expect(page.body).toMatchObject({ review_count: 0, rating_avg: 0 });
    expect((await request(ctx.app).get(`/api/v1/products/${product.id}/reviews`)).body.total).toBe(0);
    const rows = await logs();
    expect(rows.at(-1)).toMatchObject({
      admin_id: admin.id,
      action: 'hide',
      target_type: 'reviews',
      details: { changes: { visible: { old: true, new: false } } },
    });

    await agent
      .post(api(`reviews/records/${review.id}/unhide`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect((await request(ctx.app).get(`/api/v1/products/${product.id}`)).body).toMatchObject({
      review_count: 1,
      rating_avg: 2,
    });

    // Deleting it takes it out of the rating too, audited with its old values.
    await agent.post(api(`reviews/records/${review.id}/delete`)).expect(200);
    expect(await Review.count()).toBe(0);
    const after = await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    expect(after.body).toMatchObject({ review_count: 0, rating_avg: 0 });
    expect((await logs()).at(-1)).toMatchObject({
      action: 'delete',
      target_type: 'reviews',
      details: { changes: { rating: { old: 2, new: null } } },
    });
  });
});

describe('caches', () => {
  it('a price edited in the panel shows at once in GET /api/v1/products/{id}, lists and carts', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const product = await createProduct(category.id, { price: '19.99' });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, product.id, 1);
    // Warm every cache that shows the price.
    await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    await request(ctx.app).get('/api/v1/products').expect(200);
    await request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(shopper.tokens.access_token)).expect(200);

    await agent
      .post(api(`products/records/${product.id}/edit`))
      .type('form')
      .send(form({ name: product.name, price: '24.99', stock: 10, category_id: category.id }))
      .expect(200);

    expect((await request(ctx.app).get(`/api/v1/products/${product.id}`)).body.price).toBe('24.99');
    expect((await request(ctx.app).get('/api/v1/products')).body.items[0].price).toBe('24.99');
    const cart = await request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(shopper.tokens.access_token));
    expect(cart.body.total_amount).toBe('24.99');
  });

  it('a category renamed or added in the panel shows at once in GET /api/v1/categories', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory({ name: 'Toys' });
    await request(ctx.app).get('/api/v1/categories').expect(200);
    await agent
      .post(api(`categories/records/${category.id}/edit`))
      .type('form')
      .send(form({ name: 'Games', sort_order: 1 }));
    await agent
      .post(api('categories/actions/new'))
      .type('form')
      .send(form({ name: 'Books', sort_order: 2 }));
    const res = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect(res.body.map((c: { name: string }) => c.name)).toEqual(['Games', 'Books']);
  });
});

describe('validation', () => {
  it('refuses invalid products with field errors and writes nothing', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const res = await agent
      .post(api('products/actions/new'))
      .type('form')
      .send(form({ name: '', price: '-5', stock: -1, category_id: category.id, image_url: 'javascript:alert(1)' }))
      .expect(200);
    expect(Object.keys(res.body.record.errors).sort()).toEqual(['image_url', 'name', 'price', 'stock']);
    expect(await Product.count()).toBe(0);
    expect(await logs()).toEqual([]);
  });

  it('refuses a second account with an e-mail that differs only in case', async () => {
    const { agent } = await staffSession(ctx.app);
    await createUser({ email: 'taken@shop.test' });
    const res = await agent
      .post(api('users/actions/new'))
      .type('form')
      .send(
        form({
          username: 'other',
          email: 'TAKEN@shop.test',
          role: 'customer',
          is_active: true,
          new_password: 'password-123',
        }),
      )
      .expect(200);
    expect(res.body.record.errors).not.toEqual({});
    expect(await User.count({ where: { username: 'other' } })).toBe(0);
  });

  it("refuses look-alikes of an account's username or e-mail with the API's messages, and stores names NFKC-normalised", async () => {
    const { agent } = await staffSession(ctx.app);
    await createUser({ username: 'clerk', email: 'clerk@shop.test' });
    const create = (fields: { username: string; email: string }) =>
      agent
        .post(api('users/actions/new'))
        .type('form')
        .send(form({ ...fields, role: 'customer', is_active: true, new_password: 'password-123' }))
        .expect(200);

    const username = await create({ username: 'CIerk', email: 'someone@shop.test' });
    expect(username.body.record.errors).toEqual({ username: { message: 'This username is taken.' } });
    const email = await create({ username: 'someone', email: 'сlerk@shop.test' });
    expect(email.body.record.errors).toEqual({ email: { message: 'This e-mail address is already registered.' } });
    expect(await User.count()).toBe(2);

    const fullwidth = await create({ username: 'ｃｏｕｎｔｅｒ', email: 'ｃｏｕｎｔｅｒ＠ｓｈｏｐ．ｔｅｓｔ' });
    expect(fullwidth.body.notice.type).toBe('success');
    const counter = await User.findOne({ where: { username: 'counter' } });
    expect(counter?.email).toBe('counter@shop.test');
    // An edit goes through the same rules.
    const edit = await agent
      .post(api(`users/records/${counter!.id}/edit`))
      .type('form')
      .send(form({ username: 'counter', email: 'CLERK@ѕhop.test', role: 'customer', is_active: true }))
      .expect(200);
    expect(edit.body.record.errors).toEqual({ email: { message: 'This e-mail address is already registered.' } });
    expect((await User.findByPk(counter!.id))?.email).toBe('counter@shop.test');
  });
});
