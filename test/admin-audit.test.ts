/**
 * The audit log in words: the one-line summary (money, secrets, create and
 * delete, the system as actor), the names and links the panel's list and
 * show pages get in their records' params, and the list's filters (admin,
 * resource, record, action, date range) with their totals.
 */
import { describe, expect, it, vi } from 'vitest';
import { sequelize } from '../src/db.js';
import { AdminLog, User } from '../src/models/index.js';
import { type AuditRow, describeAudit, summariseChange } from '../src/services/audit-view.js';
import { expireUnpaidOrders } from '../src/services/order-service.js';
import { form, staffSession } from './support/admin.js';
import { userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';
import { addToCart, checkout } from './support/shop.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;

type Params = Record<string, unknown>;

/** A log row written as the services write them, at a chosen time. */
async function logRow(fields: Partial<Omit<AuditRow, 'id' | 'created_at'>> & { created_at?: string }): Promise<number> {
  const [[row]] = (await sequelize.query(
    `INSERT INTO admin_logs (admin_id, action, target_type, target_id, details, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    {
      bind: [
        fields.admin_id ?? null,
        fields.action ?? 'edit',
        fields.target_type ?? 'products',
        fields.target_id ?? null,
        JSON.stringify(fields.details ?? { changes: {} }),
        fields.created_at ?? new Date().toISOString(),
      ],
    },
  )) as [{ id: number }[], unknown];
  return row!.id;
}

describe('the one-line summary', () => {
  const change = (changes: Record<string, [unknown, unknown]>) => ({
    changes: Object.fromEntries(Object.entries(changes).map(([field, [old, now]]) => [field, { old, new: now }])),
  });

  it('lists each changed field as "field before → after", in words', () => {
    expect(summariseChange('edit', change({ price: ['12.50', '14.99'], stock: [7, 3] }))).toBe(
      'price 12.50 → 14.99, stock 7 → 3',
    );
    expect(summariseChange('ship', change({ status: ['paid', 'shipped'] }))).toBe('status paid → shipped');
    expect(summariseChange('edit', change({ category_id: [1, 2], is_active: [true, false] }))).toBe(
      'category 1 → 2, active yes → no',
    );
    expect(summariseChange('edit', change({ description: [null, 'New'] }))).toBe('description — → New');
  });

  it('reads "created" and "deleted" for a create and a delete, whatever their fields', () => {
    expect(summariseChange('create', change({ name: [null, 'Lamp'], price: [null, '9.99'] }))).toBe('created');
    expect(summariseChange('delete', change({ name: ['Lamp', null] }))).toBe('deleted');
    expect(summariseChange('bulkDelete', change({ name: ['Lamp', null] }))).toBe('deleted');
  });

  it('never shows a secret: a password is "changed"', () => {
    const summary = summariseChange('edit', change({ password: ['(set)', '(changed)'], role: ['customer', 'admin'] }));
    expect(summary).toBe('password changed, role customer → admin');
    expect(summariseChange('edit', change({ password_hash: ['$2b$04$abc', '$2b$04$def'] }))).toBe(
      'password hash changed',
    );
  });

  it('cuts long texts and says how many more fields changed', () => {
    const long = 'A lamp for the desk. '.repeat(10);
    const summary = summariseChange('edit', change({ description: ['Short', long] }));
    expect(summary.startsWith('description Short → A lamp for the desk.')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.length).toBeLessThan(70);
    const many = change({ a: [1, 2], b: [1, 2], c: [1, 2], d: [1, 2], e: [1, 2], f: [1, 2] });
    expect(summariseChange('edit', many)).toBe('a 1 → 2, b 1 → 2, c 1 → 2, d 1 → 2 and 2 more');
  });

  it('reads the action itself when nothing is recorded as changed', () => {
    expect(summariseChange('archive', { changes: {} })).toBe('archived');
    expect(summariseChange('edit', {})).toBe('edited');
  });
});

describe('describeAudit', () => {
  it('names the system as "System" and gives its reason (unpaid-order expiry)', async () => {
    const category = await createCategory();
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', stock: 5 });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, lamp.id, 1);
    const order = await checkout(ctx.app, shopper.tokens.access_token);
    await sequelize.query("UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1", {
      bind: [order.id],
    });
    expect(await expireUnpaidOrders()).toBe(1);
    const rows = await AdminLog.findAll({ raw: true });
    const [view] = await describeAudit(rows);
    expect(view).toMatchObject({
      admin_label: 'System',
      admin_href: null,
      action_label: 'Expired unpaid',
      target_label: `Order #${order.id}`,
      target_href: `/admin/resources/orders/records/${order.id}/show`,
      summary: 'status pending → cancelled',
    });
    expect(view!.reason).toMatch(/^not paid within \d+ minutes$/);
    expect(view!.line).toBe(`System expired Order #${order.id}: status pending → cancelled (${view!.reason})`);
  });

  it('names a deleted target from its logged values, without a link, and marks money fields', async () => {
    const admin = await createUser({ username: 'ada', role: 'admin' });
    const id = await logRow({
      admin_id: admin.id,
      action: 'delete',
      target_id: '999',
      details: { changes: { name: { old: 'Old Lamp', new: null }, price: { old: '9.50', new: null } } },
    });
    const [view] = await describeAudit(await AdminLog.findAll({ where: { id }, raw: true }));
    expect(view).toMatchObject({
      admin_label: 'ada',
      admin_email: admin.email,
      admin_href: `/admin/resources/users/records/${admin.id}/show`,
      target_label: 'Old Lamp',
      target_href: null,
      summary: 'deleted',
      line: 'ada deleted product Old Lamp',
    });
    expect(view!.changes).toEqual([
      { field: 'name', label: 'name', before: 'Old Lamp', after: '—', money: false },
      { field: 'price', label: 'price', before: '9.50', after: '—', money: true },
    ]);
  });

  it('looks names up once per table, however many rows', async () => {
    const admin = await createUser({ role: 'admin' });
    const category = await createCategory();
    for (let n = 0; n < 12; n += 1) {
      const product = await createProduct(category.id);
      await logRow({ admin_id: admin.id, target_type: 'products', target_id: String(product.id) });
      await logRow({ admin_id: admin.id, target_type: 'categories', target_id: String(category.id) });
      await logRow({ admin_id: admin.id, target_type: 'orders', target_id: String(n + 1) });
    }
    const rows = (await AdminLog.findAll({ raw: true })) as unknown as AuditRow[];
    const query = vi.spyOn(sequelize, 'query');
    try {
      const views = await describeAudit(rows);
      expect(views).toHaveLength(36);
      // products, categories, orders, users (the admins): one query each.
      const tables = query.mock.calls
        .map(([sql]) => (typeof sql === 'string' ? /FROM (\w+) WHERE id = ANY/.exec(sql)?.[1] : undefined))
        .filter((table) => table !== undefined)
        .sort();
      expect(tables).toEqual(['categories', 'orders', 'products', 'users']);
    } finally {
      query.mockRestore();
    }
  });
});

describe('the audit log in the panel', () => {
  it('lists an edit in words, and its page names the target and the admin and tables the change', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '12.50', stock: 7 });
    await agent
      .post(api(`products/records/${lamp.id}/edit`))
      .type('form')
      .send(form({ name: 'Desk Lamp', price: '14.99', stock: 3, category_id: category.id }))
      .expect(200);

    const list = await agent.get(api('admin_logs/actions/list')).expect(200);
    expect(list.body.meta.total).toBe(1);
    const params = list.body.records[0].params as Params;
    expect(params).toMatchObject({
      action: 'edit',
      action_label: 'Edited',
      summary: 'price 12.50 → 14.99, stock 7 → 3',
      target_label: 'Desk Lamp',
      target_href: `/admin/resources/products/records/${lamp.id}/show`,
      admin_label: admin.username,
      admin_href: `/admin/resources/users/records/${admin.id}/show`,
      line: `${admin.username} edited product Desk Lamp: price 12.50 → 14.99, stock 7 → 3`,
    });

    const show = await agent.get(api(`admin_logs/records/${list.body.records[0].id}/show`)).expect(200);
    expect(show.body.record.params).toMatchObject({
      target_label: 'Desk Lamp',
      admin_label: admin.username,
      action_label: 'Edited',
      reason: null,
      'changes_rows.0.field': 'price',
      'changes_rows.0.label': 'price',
      'changes_rows.0.before': '12.50',
      'changes_rows.0.after': '14.99',
      'changes_rows.0.money': true,
      'changes_rows.1.field': 'stock',
      'changes_rows.1.before': '7',
      'changes_rows.1.after': '3',
      'changes_rows.1.money': false,
    });
  });

  it('never shows a password, in the list or on the page', async () => {
    const { agent } = await staffSession(ctx.app);
    const clerk = await createUser({ username: 'clerk', email: 'clerk@shop.test' });
    await agent
      .post(api(`users/records/${clerk.id}/edit`))
      .type('form')
      .send(form({ username: 'clerk', email: 'clerk@shop.test', role: 'customer', new_password: 'another-pass-77' }))
      .expect(200);
    const hash = (await User.findByPk(clerk.id))!.password_hash;
    const list = await agent.get(api('admin_logs/actions/list')).expect(200);
    const [record] = list.body.records as { id: string; params: Params }[];
    expect(record!.params).toMatchObject({ summary: 'password changed', target_label: 'clerk' });
    const show = await agent.get(api(`admin_logs/records/${record!.id}/show`)).expect(200);
    expect(show.body.record.params).toMatchObject({
      'changes_rows.0.label': 'password',
      'changes_rows.0.before': 'set',
      'changes_rows.0.after': 'changed',
    });
    for (const text of [list.text, show.text]) {
      expect(text).not.toContain(hash);
      expect(text).not.toContain('another-pass-77');
    }
  });

  it('filters by admin, resource, record, action and date range, with the right totals', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const other = await createUser({ role: 'admin' });
    await logRow({ admin_id: admin.id, action: 'edit', target_id: '1', created_at: '2026-11-30T10:00:00Z' });
    await logRow({ admin_id: admin.id, action: 'archive', target_id: '11', created_at: '2026-12-01T08:00:00Z' });
    await logRow({ admin_id: other.id, action: 'edit', target_id: '1', created_at: '2026-12-01T23:30:00Z' });
    await logRow({
      admin_id: other.id,
      action: 'ship',
      target_type: 'orders',
      target_id: '1',
      created_at: '2026-12-02T00:00:00Z',
    });
    await logRow({ action: 'expire', target_type: 'orders', target_id: '2', created_at: '2026-12-03T09:00:00Z' });

    const listed = async (query: string) => {
      const res = await agent.get(api(`admin_logs/actions/list?${query}`)).expect(200);
      const rows = res.body.records as { params: Params }[];
      return { total: res.body.meta.total as number, rows: rows.map((row) => row.params) };
    };
    const summary = (rows: Params[]) => rows.map((row) => `${String(row.action)} ${String(row.target_id)}`);

    const byAdmin = await listed(`filters.admin_id=${other.id}`);
    expect(byAdmin.total).toBe(2);
    expect(summary(byAdmin.rows)).toEqual(['ship 1', 'edit 1']);

    const orders = await listed('filters.target_type=orders');
    expect(orders.total).toBe(2);
    expect(summary(orders.rows)).toEqual(['expire 2', 'ship 1']);
    expect(orders.rows[0]).toMatchObject({ admin_label: 'System', admin_href: null });

    // A record id is matched exactly: "1" does not find 11.
    const productOne = await listed('filters.target_type=products&filters.target_id=1');
    expect(productOne.total).toBe(2);
    expect(summary(productOne.rows)).toEqual(['edit 1', 'edit 1']);

    const edits = await listed('filters.action=edit');
    expect(edits.total).toBe(2);

    // A "to" day includes that whole day; "from" starts at its midnight.
    const december1 = await listed('filters.created_at~~from=2026-12-01&filters.created_at~~to=2026-12-01');
    expect(december1.total).toBe(2);
    expect(summary(december1.rows)).toEqual(['edit 1', 'archive 11']);
    const sinceTheSecond = await listed('filters.created_at~~from=2026-12-02T00:00:00.000Z');
    expect(summary(sinceTheSecond.rows)).toEqual(['expire 2', 'ship 1']);
    const untilNoon = await listed('filters.created_at~~to=2026-12-01T12:00:00.000Z');
    expect(summary(untilNoon.rows)).toEqual(['archive 11', 'edit 1']);

    // Filters combine; a date that is not one is ignored, not a 500.
    const combined = await listed(`filters.admin_id=${admin.id}&filters.action=archive&filters.created_at~~to=nope`);
    expect(combined.total).toBe(1);
    expect(summary(combined.rows)).toEqual(['archive 11']);
  });

  it('offers the actions and resources as choices, in words, and names the log "Audit log"', async () => {
    const { agent } = await staffSession(ctx.app);
    const page = await agent.get('/admin/resources/admin_logs').expect(200);
    // The page carries the panel's state: every resource, decorated (its name, properties and their choices).
    const state = JSON.parse(/window\.REDUX_STATE = (.*);\n/.exec(page.text)![1]!) as {
      resources: { id: string; name: string; properties: Record<string, { availableValues: unknown }> }[];
      locale: {
        translations: {
          en: { labels: Record<string, string>; resources: Record<string, { properties: Record<string, string> }> };
        };
      };
    };
    const logs = state.resources.find((resource) => resource.id === 'admin_logs')!;
    expect(logs.properties.action!.availableValues).toEqual(
      expect.arrayContaining([
        { value: 'edit', label: 'Edited' },
        { value: 'bulkDelete', label: 'Deleted (bulk)' },
        { value: 'ship', label: 'Shipped' },
        { value: 'expire', label: 'Expired unpaid' },
        { value: 'hide', label: 'Hidden' },
        { value: 'show', label: 'Shown again' },
      ]),
    );
    expect(logs.properties.target_type!.availableValues).toEqual(
      expect.arrayContaining([
        { value: 'products', label: 'Products' },
        { value: 'order_items', label: 'Order lines' },
      ]),
    );
    const words = state.locale.translations.en;
    expect(words.labels.admin_logs).toBe('Audit log');
    expect(words.resources.admin_logs!.properties).toMatchObject({
      created_at: 'When',
      admin: 'Admin',
      target: 'Target',
      summary: 'Summary',
    });
  });
});
