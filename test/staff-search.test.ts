/**
 * The staff panel's search and filters, through its own JSON API with a
 * signed-in staff session: text filters in any case and with or without
 * accents, number and date ranges (`filters.x~~from`, `filters.x~~to`), and
 * the orders list's customer search, each with the right total under the
 * list (checked against the database).
 */
import { describe, expect, it } from 'vitest';
import { Order, Product, User } from '../src/models/index.js';
import { staffSession } from './support/admin.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

const ctx = useTestApp();

/** A signed-in list reader: `list('products', 'filters.name=lamp')` → its records' params and total. */
async function lists() {
  const { agent } = await staffSession(ctx.app);
  return async (resource: string, query: string) => {
    const res = await agent.get(`/admin/api/resources/${resource}/actions/list?${query}`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    return {
      rows: (res.body.records as { params: Record<string, unknown> }[]).map((record) => record.params),
      total: res.body.meta.total as number,
    };
  };
}

/** The `field` of each row. */
const column = (rows: Record<string, unknown>[], field: string) => rows.map((row) => row[field]);

describe('text filters', () => {
  it('find product names in any case and with or without accents', async () => {
    const list = await lists();
    const category = await createCategory();
    await createProduct(category.id, { name: 'Desk Lamp' });
    await createProduct(category.id, { name: 'Lámpara de pie' });
    await createProduct(category.id, { name: 'Office Chair' });

    for (const text of ['lamp', 'LAMP', 'lámp', 'LÁMP', 'Lamp']) {
      const { rows, total } = await list('products', `filters.name=${encodeURIComponent(text)}`);
      expect(column(rows, 'name').sort(), text).toEqual(['Desk Lamp', 'Lámpara de pie']);
      expect(total, text).toBe(2);
    }
    // Too short for the trigram index: matched without it, the same way.
    const short = await list('products', `filters.name=${encodeURIComponent('LÁ')}`);
    expect(column(short.rows, 'name').sort()).toEqual(['Desk Lamp', 'Lámpara de pie']);
    // LIKE's wildcards are taken literally.
    expect((await list('products', 'filters.name=%25')).total).toBe(0);
  });

  it('find category names without accents', async () => {
    const list = await lists();
    await createCategory({ name: 'Iluminación' });
    await createCategory({ name: 'Garden' });
    for (const text of ['iluminacion', 'ILUMINACIÓN', 'minac']) {
      const { rows, total } = await list('categories', `filters.name=${encodeURIComponent(text)}`);
      expect(column(rows, 'name'), text).toEqual(['Iluminación']);
      expect(total).toBe(1);
    }
  });

  it('find users by part of the username, e-mail or phone', async () => {
    const list = await lists();
    const jose = await createUser({ username: 'jose.garcia', email: 'josé@correo.test' });
    await User.update({ phone: '+34 612 345 678' }, { where: { id: jose.id } });
    const other = await createUser({ username: 'anna', email: 'anna@example.test' });
    await User.update({ phone: '+1 555 0100' }, { where: { id: other.id } });

    expect(column((await list('users', 'filters.username=GARC')).rows, 'id')).toEqual([jose.id]);
    expect(column((await list('users', 'filters.email=JOSE%40')).rows, 'id')).toEqual([jose.id]);
    expect(column((await list('users', `filters.email=${encodeURIComponent('josé@')}`)).rows, 'id')).toEqual([jose.id]);
    const byPhone = await list('users', `filters.phone=${encodeURIComponent('612 345')}`);
    expect(column(byPhone.rows, 'id')).toEqual([jose.id]);
    expect(byPhone.total).toBe(1);
    expect(column((await list('users', 'filters.phone=0100')).rows, 'id')).toEqual([other.id]);
    // Every phone here has "+": a short text is matched too (without the index).
    expect((await list('users', 'filters.phone=%2B')).total).toBe(2);
  });
});

describe('number ranges', () => {
  it('lists every low-stock product over several pages, with the right total', async () => {
    const list = await lists();
    const category = await createCategory();
    for (let n = 0; n < 30; n += 1) await createProduct(category.id, { stock: n % 15, name: `Item ${n}` });
    await Product.update({ archived: true }, { where: { name: ['Item 0', 'Item 16'] } });
    const lowStock = await Product.count({ where: { stock: [0, 1, 2, 3, 4, 5] } });
    expect(lowStock).toBe(12);

    const page1 = await list('products', 'filters.stock~~to=5');
    const page2 = await list('products', 'filters.stock~~to=5&page=2');
    expect(page1.total).toBe(lowStock);
    expect(page1.rows).toHaveLength(10);
    expect(page2.rows).toHaveLength(2);
    expect([...page1.rows, ...page2.rows].every((row) => Number(row.stock) <= 5)).toBe(true);

    // The dashboard's low-stock link: listed products only, lowest stock first.
    const url = 'filters.stock~~to=5&filters.archived=false&sortBy=stock&direction=asc';
    const listed = await Product.count({ where: { stock: [0, 1, 2, 3, 4, 5], archived: false } });
    expect(listed).toBe(10);
    const low = await list('products', url);
    expect(low.total).toBe(listed);
    expect(column(low.rows, 'stock')).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(low.rows.every((row) => row.archived === false)).toBe(true);

    const between = await list('products', 'filters.stock~~from=13&filters.stock~~to=14');
    expect(between.total).toBe(4);
    expect((await list('products', 'filters.stock~~from=14')).total).toBe(2);
  });

  it('filters by a price range, either bound optional; a bound that is not a number matches nothing', async () => {
    const list = await lists();
    const category = await createCategory();
    for (const price of ['9.99', '10.00', '14.50', '20.00', '20.01', '99.00']) {
      await createProduct(category.id, { price, name: `At ${price}` });
    }
    const range = await list('products', 'filters.price~~from=10&filters.price~~to=20');
    expect(column(range.rows, 'price').sort()).toEqual(['10.00', '14.50', '20.00']);
    expect(range.total).toBe(3);
    expect((await list('products', 'filters.price~~from=20.01')).total).toBe(2);
    expect((await list('products', 'filters.price~~to=9.99')).total).toBe(1);
    expect((await list('products', 'filters.price~~from=&filters.price~~to=')).total).toBe(6);
    const huge = '9'.repeat(400);
    for (const bad of [
      'filters.price~~from=ten',
      'filters.stock~~to=1e3',
      `filters.price~~to=${huge}`,
      'filters.name~~from=a',
    ]) {
      const none = await list('products', bad);
      expect(none, bad).toEqual({ rows: [], total: 0 });
    }
  });
});

describe('the orders list', () => {
  /** Two customers' orders over three days, of several statuses and amounts. */
  async function orders() {
    const anna = await createUser({ username: 'anna_k', email: 'Anna.Karenina@example.test' });
    const boris = await createUser({ username: 'boris', email: 'boris@example.test' });
    const make = (user: number, status: string, total: string, day: string) =>
      Order.create({
        user_id: user,
        status: status as Order['status'],
        total_amount: total,
        shipping_address: '1 Main Street',
        created_at: new Date(`${day}T12:00:00Z`),
      });
    await make(anna.id, 'paid', '15.00', '2026-11-01');
    await make(anna.id, 'shipped', '45.00', '2026-11-02');
    await make(boris.id, 'paid', '99.90', '2026-11-02');
    await make(boris.id, 'cancelled', '5.00', '2026-11-03');
    return { anna, boris };
  }

  it("finds a customer's orders by part of the e-mail or username, in any case", async () => {
    const list = await lists();
    const { anna, boris } = await orders();
    for (const text of ['anna.karenina@EXAMPLE.test', 'KARENINA', 'anna_k', 'ANNA']) {
      const { rows, total } = await list('orders', `filters.customer=${encodeURIComponent(text)}`);
      expect(new Set(column(rows, 'user_id')), text).toEqual(new Set([anna.id]));
      expect(total, text).toBe(2);
    }
    expect((await list('orders', 'filters.customer=bor')).total).toBe(2);
    expect((await list('orders', 'filters.customer=bo')).rows.every((row) => row.user_id === boris.id)).toBe(true);
    expect((await list('orders', 'filters.customer=nobody')).total).toBe(0);
  });

  it('filters by status, by a date range and by an amount range, with their totals', async () => {
    const list = await lists();
    await orders();
    const paid = await list('orders', 'filters.status=paid');
    expect(column(paid.rows, 'status')).toEqual(['paid', 'paid']);
    expect(paid.total).toBe(await Order.count({ where: { status: 'paid' } }));

    // A "to" day includes the whole day.
    const days = await list('orders', 'filters.created_at~~from=2026-11-02&filters.created_at~~to=2026-11-02');
    expect(column(days.rows, 'total_amount').sort()).toEqual(['45.00', '99.90']);
    expect(days.total).toBe(2);
    const since = await list('orders', `filters.created_at~~from=${encodeURIComponent('2026-11-02T12:00:00.000Z')}`);
    expect(since.total).toBe(3);
    const paidOn = await list('orders', 'filters.status=paid&filters.created_at~~to=2026-11-01');
    expect(column(paidOn.rows, 'total_amount')).toEqual(['15.00']);
    expect(paidOn.total).toBe(1);

    const amounts = await list('orders', 'filters.total_amount~~from=10&filters.total_amount~~to=50');
    expect(column(amounts.rows, 'total_amount').sort()).toEqual(['15.00', '45.00']);
    expect(amounts.total).toBe(2);
    // A bound that is not a date (or a day that does not exist) matches nothing, rather than reaching SQL.
    for (const bad of ['yesterday', '2026-02-30', '0000-01-01', '2026-11-01T25:00:00Z']) {
      expect((await list('orders', `filters.created_at~~from=${bad}`)).total, bad).toBe(0);
    }
  });
});
