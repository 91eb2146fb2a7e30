/**
 * The panel's bulk actions and CSV export over HTTP (AdminJS's JSON API, as
 * its frontend calls it): ship selected ships only the paid orders, each
 * through the order service with its own audit row; hide selected hides
 * each review through the review service (ratings follow); the CSV of a
 * filtered list holds exactly the rows the list shows, with human headers
 * and formula cells neutralised. Also the confirm pages' sentences.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { csvField } from '../src/admin/csv-export.js';
import { AdminLog, Order, Product, Review } from '../src/models/index.js';
import { form, staffSession } from './support/admin.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkoutRequest, completedOrder, orderAction } from './support/shop.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;

/** An order of `quantity` units of a new product, paid unless `pay` is false. */
async function order({ pay = true, quantity = 1, address = '1 Main Street, Springfield' } = {}) {
  const product = await createProduct((await createCategory()).id, { stock: 10 });
  const shopper = await userWithTokens(ctx.app);
  await addToCart(ctx.app, shopper.tokens.access_token, product.id, quantity);
  const res = await checkoutRequest(ctx.app, shopper.tokens.access_token, undefined, address).expect(201);
  const id = (res.body as { id: number }).id;
  if (pay) await orderAction(ctx.app, shopper.tokens.access_token, id, 'pay').expect(200);
  return { id, product };
}

/** RFC 4180 records of a CSV text (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('ship selected', () => {
  it('ships only the paid orders, one audit row each, and says what it left', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const paid = [await order(), await order(), await order()];
    const pending = [await order({ pay: false }), await order({ pay: false })];
    const ids = [...paid, ...pending].map(({ id }) => id);

    // The confirm page's GET changes nothing.
    const confirm = await agent.get(api(`orders/bulk/shipSelected?recordIds=${ids.join(',')}`)).expect(200);
    expect(confirm.body.records).toHaveLength(5);
    expect(await Order.count({ where: { status: 'shipped' } })).toBe(0);

    const res = await agent
      .post(api(`orders/bulk/shipSelected?recordIds=${ids.join(',')}`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(res.body.notice).toEqual({
      message: 'Shipped 3 orders. 2 were not paid and were left as they were.',
      type: 'success',
    });
    for (const { id } of paid) expect((await Order.findByPk(id))!.status).toBe('shipped');
    for (const { id } of pending) expect((await Order.findByPk(id))!.status).toBe('pending');
    const logs = await AdminLog.findAll({ order: [['id', 'ASC']], raw: true });
    expect(
      logs.map(({ admin_id, action, target_type, target_id, details }) => ({
        admin_id,
        action,
        target_type,
        target_id,
        details,
      })),
    ).toEqual(
      paid.map(({ id }) => ({
        admin_id: admin.id,
        action: 'ship',
        target_type: 'orders',
        target_id: String(id),
        details: { changes: { status: { old: 'paid', new: 'shipped' } } },
      })),
    );

    // Again: nothing is paid any more.
    const again = await agent
      .post(api(`orders/bulk/shipSelected?recordIds=${paid[0]!.id}`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(again.body.notice).toEqual({
      message: 'Shipped 0 orders. 1 was not paid and was left as it was.',
      type: 'info',
    });
    expect(await AdminLog.count()).toBe(3);
  });
});

describe('confirm pages', () => {
  it('say what the action will do, in words', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const lamp = await createProduct(category.id, { stock: 10 });
    const bulb = await createProduct(category.id, { stock: 10 });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, lamp.id, 2);
    await addToCart(ctx.app, shopper.tokens.access_token, bulb.id, 1);
    const placed = await checkoutRequest(ctx.app, shopper.tokens.access_token).expect(201);
    const id = (placed.body as { id: number }).id;
    await orderAction(ctx.app, shopper.tokens.access_token, id, 'pay').expect(200);

    const cancel = await agent.get(api(`orders/records/${id}/cancel`)).expect(200);
    expect(cancel.body.record.params.confirmation).toBe(
      `Order #${id} will be cancelled and its 3 units of 2 products put back in stock.`,
    );
    const ship = await agent.get(api(`orders/records/${id}/ship`)).expect(200);
    expect(ship.body.record.params.confirmation).toBe(
      `Order #${id} will be marked shipped and the customer will see it. This cannot be undone.`,
    );
    expect((await Order.findByPk(id))!.status).toBe('paid');
    // The single action still answers as before.
    const shipped = await agent
      .post(api(`orders/records/${id}/ship`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(shipped.body.notice).toEqual({ message: `Order #${id} is shipped.`, type: 'success' });
  });
});

describe('hide selected', () => {
  it('hides each review through the review service: audited one by one, the rating refreshed', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const product = await createProduct((await createCategory()).id, { stock: 10 });
    for (const rating of [2, 4, 5]) {
      const shopper = await userWithTokens(ctx.app);
      const bought = await completedOrder(ctx.app, shopper.tokens.access_token, [{ productId: product.id }]);
      await request(ctx.app)
        .post('/api/v1/reviews')
        .set('Authorization', bearer(shopper.tokens.access_token))
        .send({ order_id: bought.id, product_id: product.id, rating })
        .expect(201);
    }
    const [two, four, five] = await Review.findAll({ order: [['rating', 'ASC']] });
    await Review.update({ visible: false }, { where: { id: five!.id } }); // already hidden before
    const before = await AdminLog.count(); // the shipping above was audited too

    const res = await agent
      .post(api(`reviews/bulk/hideSelected?recordIds=${[two!.id, five!.id].join(',')}`))
      .type('form')
      .send(form({ confirmed: 'yes' }))
      .expect(200);
    expect(res.body.notice).toEqual({
      message: 'Hid 1 review. 1 was already hidden and was left as it was.',
      type: 'success',
    });
    expect((await Review.findByPk(two!.id))!.visible).toBe(false);
    expect((await Review.findByPk(four!.id))!.visible).toBe(true);
    // The rating now counts the one visible review (4), as the single hide would leave it.
    expect(await Product.findByPk(product.id, { raw: true })).toMatchObject({ review_count: 1 });
    expect(Number((await Product.findByPk(product.id))!.rating_avg)).toBe(4);
    const page = await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    expect(page.body).toMatchObject({ review_count: 1, rating_avg: 4 });
    const logs = await AdminLog.findAll({ order: [['id', 'ASC']], offset: before, raw: true });
    expect(logs).toEqual([
      expect.objectContaining({
        admin_id: admin.id,
        action: 'hide',
        target_type: 'reviews',
        target_id: String(two!.id),
        details: { changes: { visible: { old: true, new: false } } },
      }),
    ]);
  });
});

describe('CSV export', () => {
  it('exports the orders list as filtered (status paid): those rows, human headers, formulas neutralised', async () => {
    const { agent } = await staffSession(ctx.app);
    const first = await order({ quantity: 2 });
    const hostile = await order({ address: '=HYPERLINK("http://evil.test","click")' });
    await order({ pay: false });
    const res = await agent.get(api('orders/actions/exportCsv?filters.status=paid')).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      'Order',
      'Customer e-mail',
      'Customer username',
      'Status',
      'Total (USD)',
      'Ship to',
      'Placed',
      'Paid',
      'Shipped',
      'Completed',
      'Cancelled',
      'Cancel reason',
    ]);
    // Newest first, like the list page; exactly the paid ones.
    expect(rows.map((row) => Number(row[0]))).toEqual([hostile.id, first.id]);
    const byId = new Map(rows.map((row) => [Number(row[0]), row]));
    const firstRow = byId.get(first.id)!;
    const stored = (await Order.findByPk(first.id))!;
    expect(firstRow[3]).toBe('paid');
    expect(firstRow[4]).toBe(stored.total_amount); // a plain decimal: 39.98
    expect(firstRow[4]).toMatch(/^\d+\.\d{2}$/);
    expect(firstRow[1]).toMatch(/@/);
    expect(byId.get(hostile.id)![5]).toBe(`'=HYPERLINK("http://evil.test","click")`);
    // The same filter on the list page lists the same orders.
    const list = await agent.get(api('orders/actions/list?filters.status=paid')).expect(200);
    expect((list.body.records as { id: string }[]).map((record) => Number(record.id))).toEqual([hostile.id, first.id]);
  });

  it('exports the products list as filtered and sorted on screen', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory({ name: 'Lighting' });
    await createProduct(category.id, { name: 'Desk Lamp', price: '24.50', stock: 3 });
    await createProduct(category.id, { name: '@Lamp, "deluxe"', price: '99.00', stock: 1 });
    await createProduct(category.id, { name: 'Kettle', price: '15.00' });
    const res = await agent
      .get(api('products/actions/exportCsv?filters.name=lamp&sortBy=price&direction=asc'))
      .expect(200);
    expect(res.headers['content-disposition']).toMatch(/filename="products-\d{4}-\d{2}-\d{2}\.csv"/);
    const [header, ...rows] = parseCsv(res.text);
    expect(header!.slice(0, 5)).toEqual(['Product', 'Name', 'Price (USD)', 'Stock', 'Category']);
    expect(rows.map((row) => [row[1], row[2], row[3], row[4]])).toEqual([
      ['Desk Lamp', '24.50', '3', 'Lighting'],
      [`'@Lamp, "deluxe"`, '99.00', '1', 'Lighting'],
    ]);
    expect(res.text).toContain(`"'@Lamp, ""deluxe"""`);
  });

  it('quotes and neutralises cells per RFC 4180 and OWASP', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('-1')).toBe(`'-1`);
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
    expect(csvField(new Date('2026-12-03T10:00:00Z'))).toBe('2026-12-03T10:00:00.000Z');
  });

  it('is for signed-in staff only', async () => {
    await request(ctx.app).get(api('orders/actions/exportCsv')).expect(302);
  });
});
