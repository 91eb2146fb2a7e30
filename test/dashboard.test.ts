/**
 * The staff dashboard's figures: each order on its own UTC day, right across
 * midnight; revenue from sold orders only; today's numbers; low stock (and
 * how many in all, with the link to them) and recent activity in words; and
 * the panel's own endpoint.
 */
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { CHART_DAYS, LOW_STOCK, LOW_STOCK_SHOWN, dashboardAt } from '../src/services/dashboard-service.js';
import { form, staffSession } from './support/admin.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

const ctx = useTestApp();

/** Half a minute after midnight UTC: "today" has only just begun. */
const NOW = new Date('2026-12-02T00:00:30Z');

/** A customer (or admin) account that signed up at `at`. */
async function account(name: string, at: string, role = 'customer'): Promise<number> {
  const [[row]] = (await sequelize.query(
    `INSERT INTO users (username, email, password_hash, role, created_at, updated_at)
     VALUES ($1::text, $1::text || '@example.test', 'x', $2, $3, $3) RETURNING id`,
    { bind: [name, role, at] },
  )) as [{ id: number }[], unknown];
  return row!.id;
}

/** An order of `userId` placed at `at`. */
async function order(userId: number, at: string, status: string, total: string): Promise<void> {
  await sequelize.query(
    `INSERT INTO orders (user_id, total_amount, status, shipping_address, created_at, updated_at)
     VALUES ($1, $2, $3, '1 Main Street', $4, $4)`,
    { bind: [userId, total, status, at] },
  );
}

describe('the dashboard', () => {
  it('counts each order on its UTC day, right across midnight, and revenue from sold orders only', async () => {
    const shopper = await account('shopper', '2026-01-01T00:00:00Z');
    await order(shopper, '2026-11-02T23:59:59.999Z', 'completed', '99.00'); // the day before the chart
    await order(shopper, '2026-11-03T00:00:00Z', 'completed', '7.00'); // the chart's first instant
    await order(shopper, '2026-12-01T23:59:59.999Z', 'completed', '10.00'); // yesterday's last instant
    await order(shopper, '2026-12-02T00:00:00Z', 'paid', '20.00'); // today's first instant
    await order(shopper, '2026-12-02T00:00:10Z', 'cancelled', '5.00'); // today, but no revenue
    await order(shopper, '2026-12-03T00:00:00Z', 'shipped', '1.00'); // tomorrow: not shown

    const { days, today } = await dashboardAt(NOW);

    expect(days).toHaveLength(CHART_DAYS);
    expect(days[0]!.day).toBe('2026-11-03');
    expect(days.at(-1)!.day).toBe('2026-12-02');
    const byDay = Object.fromEntries(days.map((day) => [day.day, day]));
    expect(byDay['2026-11-03']).toEqual({ day: '2026-11-03', orders: 1, revenue: '7.00' });
    expect(byDay['2026-12-01']).toEqual({ day: '2026-12-01', orders: 1, revenue: '10.00' });
    expect(byDay['2026-12-02']).toEqual({ day: '2026-12-02', orders: 2, revenue: '20.00' });
    const quiet = days.filter((day) => !['2026-11-03', '2026-12-01', '2026-12-02'].includes(day.day));
    expect(quiet.every((day) => day.orders === 0 && day.revenue === '0.00')).toBe(true);
    expect(today).toMatchObject({ orders: 2, revenue: '20.00', awaiting_shipment: 1 });
  });

  it("counts today's sign-ups of customers from midnight UTC, not staff, not yesterday's", async () => {
    await account('late', '2026-12-01T23:59:59.999Z');
    await account('early', '2026-12-02T00:00:00Z');
    await account('clerk', '2026-12-02T00:00:05Z', 'admin');
    await account('tomorrow', '2026-12-03T00:00:00Z');
    expect((await dashboardAt(NOW)).today.new_customers).toBe(1);
  });

  it('lists listed low-stock products, lowest first', async () => {
    const category = await createCategory();
    await createProduct(category.id, { name: 'Plenty', stock: LOW_STOCK + 1 });
    await createProduct(category.id, { name: 'Few', stock: LOW_STOCK });
    await createProduct(category.id, { name: 'None', stock: 0 });
    await createProduct(category.id, { name: 'Gone', stock: 0, archived: true });
    const { low_stock, low_stock_total } = await dashboardAt(NOW);
    expect(low_stock.map((product) => [product.name, product.stock])).toEqual([
      ['None', 0],
      ['Few', LOW_STOCK],
    ]);
    expect(low_stock_total).toBe(2);
  });

  it('says how many products are low in all, and links to the filtered list of all of them', async () => {
    const category = await createCategory();
    for (let n = 0; n < LOW_STOCK_SHOWN + 9; n += 1) await createProduct(category.id, { stock: n % (LOW_STOCK + 1) });
    await createProduct(category.id, { stock: LOW_STOCK + 1 });
    await createProduct(category.id, { stock: 0, archived: true });
    const { low_stock, low_stock_total, low_stock_href } = await dashboardAt(NOW);
    expect(low_stock).toHaveLength(LOW_STOCK_SHOWN);
    expect(low_stock_total).toBe(LOW_STOCK_SHOWN + 9);
    expect(low_stock_href).toBe(
      `/admin/resources/products?filters.stock~~to=${LOW_STOCK}&filters.archived=false&sortBy=stock&direction=asc`,
    );
  });

  it("shows the latest activity in words: who did what to which record, and the system's own changes", async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '12.50', stock: 7 });
    await agent
      .post(`/admin/api/resources/products/records/${lamp.id}/edit`)
      .type('form')
      .send(form({ name: 'Desk Lamp', price: '14.99', stock: 3, category_id: category.id }))
      .expect(200);
    const shopper = await createUser();
    await order(shopper.id, '2026-12-01T10:00:00Z', 'pending', '5.00');
    await sequelize.query(
      `INSERT INTO admin_logs (admin_id, action, target_type, target_id, details)
       VALUES (NULL, 'expire', 'orders', '1', $1)`,
      { bind: [JSON.stringify({ changes: { status: { old: 'pending', new: 'cancelled' } }, reason: 'not paid' })] },
    );
    const { recent_activity } = await dashboardAt(NOW);
    expect(recent_activity).toMatchObject([
      {
        admin: 'System',
        action: 'expire',
        line: 'System expired Order #1: status pending → cancelled (not paid)',
        target_label: 'Order #1',
        target_href: '/admin/resources/orders/records/1/show',
      },
      {
        admin: admin.username,
        action: 'edit',
        summary: 'price 12.50 → 14.99, stock 7 → 3',
        line: `${admin.username} edited product Desk Lamp: price 12.50 → 14.99, stock 7 → 3`,
        target_label: 'Desk Lamp',
        target_href: `/admin/resources/products/records/${lamp.id}/show`,
      },
    ]);
  });

  it('is what the panel serves at /admin/api/dashboard, as of now', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    await order(admin.id, new Date().toISOString(), 'completed', '12.50');
    const res = await agent.get('/admin/api/dashboard').expect(200);
    expect(res.body.days).toHaveLength(CHART_DAYS);
    expect(res.body.days.at(-1).day).toBe(new Date().toISOString().slice(0, 10));
    expect(res.body.today).toMatchObject({ orders: 1, revenue: '12.50' });
    expect(res.body.currency).toMatch(/^[A-Z]{3}$/);
  });
});
