/**
 * What the spec promises about HTTP itself, attacked from outside: 304 for a
 * matching If-None-Match whatever Cache-Control the request carries (on the
 * hot path and the full stack), 415 for bodies of another media type, the
 * problem subtypes and the response headers the spec declares.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Cart, Order, Product, User } from '../src/models/index.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, checkoutRequest, orderAction } from './support/shop.js';

const ctx = useTestApp();

describe('conditional GET', () => {
  it.each([
    ['no Cache-Control', {}],
    ['Cache-Control: no-cache (browsers, Node fetch)', { 'Cache-Control': 'no-cache' }],
    ['Cache-Control: max-age=0', { 'Cache-Control': 'max-age=0' }],
    ['Pragma: no-cache', { Pragma: 'no-cache', 'Cache-Control': 'no-cache' }],
  ])('answers 304 for a matching If-None-Match with %s, on the full stack and the hot path', async (_, extra) => {
    const category = await createCategory();
    await createProduct(category.id);
    const url = `/api/v1/products?category_id=${category.id}`;
    const first = await request(ctx.app).get(url).expect(200);
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^W\/"/);
    // The second request is the full stack again or the hot path (the URL is remembered now): both ways.
    for (let i = 0; i < 2; i += 1) {
      const again = await request(ctx.app)
        .get(url)
        .set({ 'If-None-Match': tag, ...extra });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(tag);
    }
  });

  it('answers 200 with the body when the ETag does not match, and 304 for /openapi.json with no-cache', async () => {
    const category = await createCategory();
    const url = `/api/v1/categories/${category.id}`;
    await request(ctx.app).get(url).expect(200);
    const other = await request(ctx.app).get(url).set({ 'If-None-Match': 'W/"nope"', 'Cache-Control': 'no-cache' });
    expect(other.status).toBe(200);
    expect(other.body.id).toBe(category.id);

    const spec = await request(ctx.app).get('/openapi.json').expect(200);
    await request(ctx.app)
      .get('/openapi.json')
      .set({ 'If-None-Match': spec.headers.etag, 'Cache-Control': 'no-cache' })
      .expect(304);
  });
});

describe('request media types', () => {
  it('refuses a text/plain or XML body with 415 and creates nothing', async () => {
    for (const type of ['text/plain', 'application/xml']) {
      const res = await request(ctx.app)
        .post('/api/v1/auth/register')
        .set('Content-Type', type)
        .send('{"username":"ada","email":"ada@example.com","password":"correct-horse-battery"}');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:emporium:problem:unsupported-media-type', status: 415 });
      expect(res.body.detail).toBe('Send the body as application/json.');
    }
    expect(await User.count()).toBe(0);
  });

  it('takes the OAuth2 password form at login only; a form elsewhere is 415', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    const form = await request(ctx.app)
      .post('/api/v1/auth/login')
      .type('form')
      .send({ username: user.username, password: 'correct-horse-battery', grant_type: 'password' });
    expect(form.status).toBe(200);

    const product = await createProduct((await createCategory()).id);
    const cart = await request(ctx.app)
      .post('/api/v1/cart/items')
      .set('Authorization', bearer(tokens.access_token))
      .type('form')
      .send({ product_id: String(product.id), quantity: '1' });
    expect(cart.status).toBe(415);
    expect(cart.body.detail).toBe('Send the body as application/json.');
    expect(await Cart.count()).toBe(0);
  });

  it('lets a body-less POST through (Content-Length: 0)', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const res = await request(ctx.app)
      .post('/api/v1/auth/logout')
      .set('Authorization', bearer(tokens.access_token))
      .set('Content-Type', 'text/plain');
    expect(res.status).toBe(204);
  });
});

describe('problem subtypes', () => {
  it('names the cart line short of stock (insufficient-stock), the checkout shortage (out-of-stock) and an illegal transition', async () => {
    const product = await createProduct((await createCategory()).id, { stock: 2 });
    const { tokens } = await userWithTokens(ctx.app);
    const over = await request(ctx.app)
      .post('/api/v1/cart/items')
      .set('Authorization', bearer(tokens.access_token))
      .send({ product_id: product.id, quantity: 3 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      type: 'urn:emporium:problem:insufficient-stock',
      product_id: product.id,
      available: 2,
    });

    await addToCart(ctx.app, tokens.access_token, product.id, 2);
    await Product.update({ stock: 1 }, { where: { id: product.id } });
    const short = await checkoutRequest(ctx.app, tokens.access_token);
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({
      type: 'urn:emporium:problem:out-of-stock',
      products: [{ product_id: product.id, requested: 2, available: 1 }],
    });

    await Product.update({ stock: 5 }, { where: { id: product.id } });
    const order = await checkout(ctx.app, tokens.access_token);
    const confirm = await orderAction(ctx.app, tokens.access_token, order.id, 'confirm');
    expect(confirm.status).toBe(409);
    expect(confirm.body).toMatchObject({
      type: 'urn:emporium:problem:illegal-transition',
      order_status: 'pending',
      allowed: ['paid', 'cancelled'],
    });
    expect((await Order.findByPk(order.id))!.status).toBe('pending');
  });
});

describe('response headers', () => {
  it('sends Location on 201s, and the rate-limit budget on /auth answers', async () => {
    const registered = await request(ctx.app)
      .post('/api/v1/auth/register')
      .send({ username: 'ada', email: 'ada@example.com', password: 'correct-horse-battery' });
    expect(registered.status).toBe(201);
    expect(registered.headers.location).toBe('/api/v1/users/me');
    expect(Number(registered.headers['ratelimit-limit'])).toBeGreaterThan(0);
    const remaining = Number(registered.headers['ratelimit-remaining']);
    expect(remaining).toBe(Number(registered.headers['ratelimit-limit']) - 1);
    expect(Number(registered.headers['ratelimit-reset'])).toBeGreaterThan(0);

    const login = await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: 'ada', password: 'correct-horse-battery' });
    expect(Number(login.headers['ratelimit-remaining'])).toBe(remaining - 1);

    const product = await createProduct((await createCategory()).id);
    const token = login.body.access_token as string;
    const added = await request(ctx.app)
      .post('/api/v1/cart/items')
      .set('Authorization', bearer(token))
      .send({ product_id: product.id, quantity: 1 });
    expect(added.headers.location).toBe('/api/v1/cart');
    const placed = await checkoutRequest(ctx.app, token, 'key-1');
    expect(placed.status).toBe(201);
    expect(placed.headers.location).toBe(`/api/v1/orders/${placed.body.id}`);
    expect(placed.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await checkoutRequest(ctx.app, token, 'key-1');
    expect(replayed.headers.location).toBe(`/api/v1/orders/${placed.body.id}`);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
  });
});

describe('docs pages', () => {
  it('serve ReDoc without the logo it would fetch from a CDN the CSP blocks', async () => {
    const bundle = await request(ctx.app).get('/redoc/redoc.standalone.js').expect(200);
    expect(bundle.text).not.toContain('cdn.redoc.ly');
    expect(bundle.text).toContain('/redoc/logo.svg');
    const logo = await request(ctx.app).get('/redoc/logo.svg').expect(200);
    expect(logo.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });
});
