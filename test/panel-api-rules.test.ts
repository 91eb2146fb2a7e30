/**
 * One set of rules, seen from outside: the same bad value sent through the
 * staff panel (AdminJS's JSON API, as its frontend posts forms) and through
 * the shopper API is refused by both with the same words, and nothing is
 * written. And a panel delete of an ordered product archives it, saying so.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AdminLog, Product, User } from '../src/models/index.js';
import { EMAIL, PASSWORD, PHONE, PRICE, ROLE, STOCK, USERNAME } from '../src/rules.js';
import { form, staffSession } from './support/admin.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout } from './support/shop.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;

/** A new account's fields, valid unless overridden. */
const account = (fields: Record<string, string> = {}) => ({
  username: 'newcomer',
  email: 'newcomer@shop.test',
  password: 'correct-horse-battery',
  phone: '+1 555 0100',
  ...fields,
});

/** The panel's "new user" form for the same account (its password field is `new_password`). */
const userForm = ({ password, ...fields }: Record<string, string>) =>
  form({ ...fields, new_password: password ?? '', role: 'customer', is_active: true });

/** One bad value per rule: [rule, API/panel field, bad values, message]. Some are the schema's to refuse, some the service's. */
const BAD_ACCOUNT_VALUES: [string, string, string[], string][] = [
  ['username', 'username', ['a b', 'ab', 'no!pe', 'x'.repeat(51)], USERNAME.message],
  ['e-mail', 'email', ['not-an-address', 'a@b.c'], EMAIL.message],
  ['phone', 'phone', ['12', 'call me', `+${'1'.repeat(32)}`], PHONE.message],
  ['password', 'password', ['short', 'é'.repeat(37)], PASSWORD.message],
];

describe('account rules: the panel and the API say the same', () => {
  for (const [rule, field, values, message] of BAD_ACCOUNT_VALUES) {
    it(`refuses a bad ${rule} in registration and in the panel's new-user form, with "${message}"`, async () => {
      const { agent } = await staffSession(ctx.app);
      const accounts = await User.count();
      for (const value of values) {
        const fields = account({ [field]: value });
        const viaApi = await request(ctx.app).post('/api/v1/auth/register').send(fields);
        expect(viaApi.status, `${field}=${value}`).toBe(422);
        expect(viaApi.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(viaApi.body).toMatchObject({ type: 'urn:emporium:problem:validation-error', status: 422 });
        expect(viaApi.body.errors, `${field}=${value}`).toEqual([{ field, message }]);

        const viaPanel = await agent.post(api('users/actions/new')).type('form').send(userForm(fields)).expect(200);
        const formField = field === 'password' ? 'new_password' : field;
        expect(viaPanel.body.notice.type, `${field}=${value}`).toBe('error');
        expect(viaPanel.body.record.errors, `${field}=${value}`).toEqual({ [formField]: { message } });
      }
      expect(await User.count()).toBe(accounts);
      expect(await User.count({ where: { username: 'newcomer' } })).toBe(0);
      expect(await AdminLog.count()).toBe(0);
    });
  }

  it('refuses a bad e-mail or phone in PATCH /users/me and in the panel edit form with the same words, changing nothing', async () => {
    const { agent } = await staffSession(ctx.app);
    const { user, tokens } = await userWithTokens(ctx.app);
    const stored = await User.findByPk(user.id, { raw: true });
    for (const [field, value, message] of [
      ['email', 'a@b.c', EMAIL.message],
      ['email', 'nobody', EMAIL.message],
      ['phone', 'call me', PHONE.message],
      ['phone', '12', PHONE.message],
    ] as const) {
      const viaApi = await request(ctx.app)
        .patch('/api/v1/users/me')
        .set('Authorization', bearer(tokens.access_token))
        .send({ [field]: value });
      expect(viaApi.status, `${field}=${value}`).toBe(422);
      expect(viaApi.body.errors).toEqual([{ field, message }]);

      const viaPanel = await agent
        .post(api(`users/records/${user.id}/edit`))
        .type('form')
        .send(form({ username: user.username, email: user.email, role: 'customer', is_active: true, [field]: value }))
        .expect(200);
      expect(viaPanel.body.record.errors, `${field}=${value}`).toEqual({ [field]: { message } });
    }
    expect(await User.findByPk(user.id, { raw: true })).toEqual(stored);
    expect(await AdminLog.count()).toBe(0);
  });

  it('creates an account in the panel by the same function as registration: names normalised, password hashed', async () => {
    const { agent } = await staffSession(ctx.app);
    const res = await agent
      .post(api('users/actions/new'))
      .type('form')
      .send(userForm(account({ username: 'ｃｌｅｒｋ', email: 'clerk@shop.test', phone: '' })))
      .expect(200);
    expect(res.body.notice.type).toBe('success');
    const clerk = await User.findOne({ where: { username: 'clerk' }, raw: true });
    expect(clerk).toMatchObject({ email: 'clerk@shop.test', phone: null, role: 'customer', is_active: true });
    expect(clerk!.password_hash).toMatch(/^\$2b\$/);
    await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: 'clerk', password: 'correct-horse-battery' })
      .expect(200);
    // A new account without a password is refused with the password rule, as registration would be.
    const noPassword = await agent
      .post(api('users/actions/new'))
      .type('form')
      .send(userForm(account({ username: 'nopass', email: 'nopass@shop.test', password: '' })))
      .expect(200);
    expect(noPassword.body.record.errors).toEqual({ new_password: { message: PASSWORD.message } });
    expect(await User.count({ where: { username: 'nopass' } })).toBe(0);
    // A role that is not one of the shop's is refused in words too.
    const badRole = await agent
      .post(api('users/actions/new'))
      .type('form')
      .send({ ...userForm(account({ username: 'owner', email: 'owner@shop.test' })), role: 'owner' })
      .expect(200);
    expect(badRole.body.record.errors).toEqual({ role: { message: ROLE.message } });
    expect(await User.count({ where: { username: 'owner' } })).toBe(0);
  });
});

describe('catalogue rules in the panel', () => {
  it('refuses bad stock and prices beside their fields, in words, and writes nothing', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    for (const [stock, price] of [
      ['-1', '0'],
      ['1.5', '19.999'],
      ['many', '-5'],
      ['99999999999', '12345678901'],
    ]) {
      const res = await agent
        .post(api('products/actions/new'))
        .type('form')
        .send(form({ name: 'Lamp', price: price!, stock: stock!, category_id: category.id }))
        .expect(200);
      expect(res.body.record.errors, `stock=${stock} price=${price}`).toEqual({
        stock: { message: STOCK.message },
        price: { message: PRICE.message },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/Validation \w+ on \w+ failed/);
    }
    const product = await createProduct(category.id, { price: '19.99', stock: 4 });
    const edit = await agent
      .post(api(`products/records/${product.id}/edit`))
      .type('form')
      .send(form({ name: product.name, price: '19.99', stock: '-3', category_id: category.id }))
      .expect(200);
    expect(edit.body.record.errors).toEqual({ stock: { message: 'Stock must be a whole number, 0 or more' } });
    expect(await Product.count()).toBe(1);
    expect((await Product.findByPk(product.id))!.stock).toBe(4);
    expect(await AdminLog.count()).toBe(0);
  });
});

describe('deleting products in the panel', () => {
  /** A product that is on an order (a shopper checked it out). */
  async function orderedProduct(categoryId: number, name: string) {
    const product = await createProduct(categoryId, { name, stock: 5 });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, product.id, 1);
    await checkout(ctx.app, shopper.tokens.access_token);
    return product;
  }

  it('archives an ordered product, says so, and writes one audit row', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const category = await createCategory();
    const sold = await orderedProduct(category.id, 'Sold lamp');

    const res = await agent.post(api(`products/records/${sold.id}/delete`)).expect(200);
    expect(res.body.notice).toEqual({
      message: 'Archived: this product is on orders, so it was hidden from the shop',
      type: 'success',
    });
    expect((await Product.findByPk(sold.id))!.archived).toBe(true);
    const rows = await AdminLog.findAll({ raw: true });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      admin_id: admin.id,
      action: 'archive',
      target_type: 'products',
      target_id: String(sold.id),
      details: { changes: { archived: { old: false, new: true } } },
    });
    await request(ctx.app).get(`/api/v1/products/${sold.id}`).expect(404);

    const unsold = await createProduct(category.id, { name: 'Unsold lamp' });
    const deleted = await agent.post(api(`products/records/${unsold.id}/delete`)).expect(200);
    expect(deleted.body.notice.type).toBe('success');
    expect(deleted.body.notice.message).not.toMatch(/Archived/);
    expect(await Product.findByPk(unsold.id)).toBeNull();
  });

  it('a bulk delete says how many were archived and how many deleted', async () => {
    const { agent } = await staffSession(ctx.app);
    const category = await createCategory();
    const sold = await orderedProduct(category.id, 'Sold');
    const unsold = [await createProduct(category.id), await createProduct(category.id)];
    const ids = [sold.id, ...unsold.map((product) => product.id)].join(',');

    const res = await agent.post(api(`products/bulk/bulkDelete?recordIds=${ids}`)).expect(200);
    expect(res.body.notice).toEqual({
      message: '1 product archived: on orders, so hidden from the shop; 2 deleted.',
      type: 'success',
    });
    expect(await Product.count()).toBe(1);
    expect((await AdminLog.findAll({ raw: true, order: [['id', 'ASC']] })).map((row) => row.action)).toEqual([
      'archive',
      'bulkDelete',
      'bulkDelete',
    ]);
  });
});
