/** Reviews: who may write one, what a review may contain, the product's rating, and the public review list. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { Product, Review } from '../src/models/index.js';
import { refreshProductRating } from '../src/services/review-service.js';
import { transitionOrder } from '../src/services/order-service.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, completedOrder, orderAction } from './support/shop.js';

const ctx = useTestApp();

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

const postReview = (token: string | undefined, body: object) => {
  const req = request(ctx.app).post('/api/v1/reviews');
  if (token) req.set('Authorization', bearer(token));
  return req.send(body);
};
const detail = (productId: number) => request(ctx.app).get(`/api/v1/products/${productId}`).expect(200);
const reviewsOf = (productId: number, query = '') =>
  request(ctx.app).get(`/api/v1/products/${productId}/reviews${query}`);

/** A shopper with a completed order of one new product. */
async function buyer() {
  const category = await createCategory();
  const product = await createProduct(category.id);
  const { user, tokens } = await userWithTokens(ctx.app);
  const order = await completedOrder(ctx.app, tokens.access_token, [{ productId: product.id }]);
  return { user, token: tokens.access_token, product, order, category };
}

/** The product's rating columns as stored. */
async function ratingOf(productId: number) {
  const product = await Product.findByPk(productId);
  return { rating_avg: product!.rating_avg, review_count: product!.review_count };
}

/** Expects a 422 problem whose only error names `field`, and no review written. */
async function expectInvalid(res: request.Response, field: string | RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].field).toMatch(field);
  expect(await Review.count()).toBe(0);
}

describe('POST /api/v1/reviews', () => {
  it('lets the owner of a completed order review a product on it, and updates the rating at once', async () => {
    const { user, token, product, order } = await buyer();
    // Cache the detail and the (empty) review list first: the review must invalidate both.
    expect((await detail(product.id)).body).toMatchObject({ review_count: 0, rating_avg: 0 });
    expect((await reviewsOf(product.id).expect(200)).body.total).toBe(0);

    const images = ['https://images.example.com/1.jpg'];
    const res = await postReview(token, {
      order_id: order.id,
      product_id: product.id,
      rating: 4,
      content: 'Good',
      images,
    });

    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      product_id: product.id,
      rating: 4,
      content: 'Good',
      images,
      username: user.username,
      created_at: ISO,
    });
    const row = await Review.findByPk(res.body.id);
    expect(row).toMatchObject({
      user_id: user.id,
      order_id: order.id,
      product_id: product.id,
      rating: 4,
      visible: true,
    });
    expect(await ratingOf(product.id)).toEqual({ rating_avg: '4.00', review_count: 1 });
    expect((await detail(product.id)).body).toMatchObject({ review_count: 1, rating_avg: 4 });
    const listed = await reviewsOf(product.id).expect(200);
    expect(listed.body.items.map((r: { id: number }) => r.id)).toEqual([res.body.id]);
  });

  it('averages the ratings of reviews from two orders', async () => {
    const { token, product, order } = await buyer();
    const second = await completedOrder(ctx.app, token, [{ productId: product.id }]);
    expect((await postReview(token, { order_id: order.id, product_id: product.id, rating: 4 })).status).toBe(201);
    expect((await postReview(token, { order_id: second.id, product_id: product.id, rating: 5 })).status).toBe(201);

    expect(await ratingOf(product.id)).toEqual({ rating_avg: '4.50', review_count: 2 });
    expect((await detail(product.id)).body).toMatchObject({ review_count: 2, rating_avg: 4.5 });
  });

  it("answers 404 for another user's order and writes nothing", async () => {
    const { product, order } = await buyer();
    const intruder = await userWithTokens(ctx.app);
    const res = await postReview(intruder.tokens.access_token, {
      order_id: order.id,
      product_id: product.id,
      rating: 1,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, type: 'urn:emporium:problem:not-found' });
    expect(await Review.count()).toBe(0);
    expect(await ratingOf(product.id)).toEqual({ rating_avg: '0.00', review_count: 0 });
  });

  it('answers 409 for an order that is pending, paid or shipped', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id);
    const { tokens } = await userWithTokens(ctx.app);
    const token = tokens.access_token;
    const place = async () => {
      await addToCart(ctx.app, token, product.id);
      return (await checkout(ctx.app, token)).id;
    };
    const pending = await place();
    const paid = await place();
    expect((await orderAction(ctx.app, token, paid, 'pay')).status).toBe(200);
    const shipped = await place();
    expect((await orderAction(ctx.app, token, shipped, 'pay')).status).toBe(200);
    await transitionOrder(shipped, 'ship', { kind: 'staff', adminId: 1 });

    for (const orderId of [pending, paid, shipped]) {
      const res = await postReview(token, { order_id: orderId, product_id: product.id, rating: 5 });
      expect(res.status, `order ${orderId}: ${JSON.stringify(res.body)}`).toBe(409);
      expect(res.body.type).toBe('urn:emporium:problem:conflict');
    }
    expect(await Review.count()).toBe(0);
  });

  it('answers 422 on product_id for a product that is not on the order', async () => {
    const { token, order, category } = await buyer();
    const other = await createProduct(category.id);
    await expectInvalid(
      await postReview(token, { order_id: order.id, product_id: other.id, rating: 5 }),
      /^product_id$/,
    );
  });

  it('answers 409 to a second review of the same product on the same order', async () => {
    const { token, product, order } = await buyer();
    const body = { order_id: order.id, product_id: product.id, rating: 5 };
    expect((await postReview(token, body)).status).toBe(201);
    const again = await postReview(token, { ...body, rating: 1 });
    expect(again.status).toBe(409);
    expect(await Review.count()).toBe(1);
    expect(await ratingOf(product.id)).toEqual({ rating_avg: '5.00', review_count: 1 });
  });

  it.each([0, 6, 2.5, '5', null])('refuses rating %j', async (rating) => {
    const { token, product, order } = await buyer();
    await expectInvalid(await postReview(token, { order_id: order.id, product_id: product.id, rating }), /^rating$/);
  });

  it('takes up to 2000 characters of text', async () => {
    const { token, product, order } = await buyer();
    const body = { order_id: order.id, product_id: product.id, rating: 3 };
    await expectInvalid(await postReview(token, { ...body, content: 'x'.repeat(2001) }), /^content$/);
    expect((await postReview(token, { ...body, content: 'y'.repeat(2000) })).status).toBe(201);
    expect((await Review.findOne())!.content).toHaveLength(2000);
  });

  it('takes up to 9 images', async () => {
    const { token, product, order } = await buyer();
    const body = { order_id: order.id, product_id: product.id, rating: 3 };
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://img.example.com/${i}.png`);
    await expectInvalid(await postReview(token, { ...body, images: urls(10) }), /^images/);
    const res = await postReview(token, { ...body, images: urls(9) });
    expect(res.status).toBe(201);
    expect(res.body.images).toEqual(urls(9));
    expect((await Review.findOne())!.images).toEqual(urls(9));
  });

  it.each(['ftp://x/y.png', 'javascript:alert(1)', 'not a url', 'http://:80/no-host.png'])(
    'refuses the image URL %s',
    async (url) => {
      const { token, product, order } = await buyer();
      const images = ['https://img.example.com/ok.png', url];
      await expectInvalid(
        await postReview(token, { order_id: order.id, product_id: product.id, rating: 3, images }),
        /^images/,
      );
    },
  );

  it('refuses unknown fields such as user_id', async () => {
    const { product, order, user } = await buyer();
    const other = await userWithTokens(ctx.app);
    const res = await postReview(other.tokens.access_token, {
      order_id: order.id,
      product_id: product.id,
      rating: 5,
      user_id: user.id,
    });
    await expectInvalid(res, /^user_id$/);
  });

  it('refuses a request without a token', async () => {
    const { product, order } = await buyer();
    const res = await postReview(undefined, { order_id: order.id, product_id: product.id, rating: 5 });
    expect(res.status).toBe(401);
    expect(await Review.count()).toBe(0);
  });
});

describe('GET /api/v1/products/{product_id}/reviews', () => {
  it('lists visible reviews newest first with usernames, in pages', async () => {
    const { token, product, order, user } = await buyer();
    const second = await completedOrder(ctx.app, token, [{ productId: product.id }]);
    const other = await userWithTokens(ctx.app);
    const third = await completedOrder(ctx.app, other.tokens.access_token, [{ productId: product.id }]);
    const write = async (tok: string, orderId: number, rating: number, createdAt: string) => {
      const res = await postReview(tok, { order_id: orderId, product_id: product.id, rating, content: `r${rating}` });
      expect(res.status).toBe(201);
      await Review.update({ created_at: new Date(createdAt) }, { where: { id: res.body.id } });
      return res.body.id as number;
    };
    // Written in an order that differs from their dates, so id order is not date order.
    const oldest = await write(token, order.id, 2, '2024-01-01T00:00:00Z');
    const newest = await write(other.tokens.access_token, third.id, 5, '2024-03-01T00:00:00Z');
    const hidden = await write(token, second.id, 1, '2024-02-01T00:00:00Z');
    await Review.update({ visible: false }, { where: { id: hidden } });
    await sequelize.transaction((transaction) => refreshProductRating(product.id, transaction));
    expect(await ratingOf(product.id)).toEqual({ rating_avg: '3.50', review_count: 2 });

    const page1 = await reviewsOf(product.id, '?page_size=1').expect(200);
    expect(page1.headers['cache-control']).toContain('public');
    expect(page1.body).toEqual({
      items: [
        {
          id: newest,
          product_id: product.id,
          rating: 5,
          content: 'r5',
          images: [],
          username: other.user.username,
          created_at: '2024-03-01T00:00:00.000Z',
        },
      ],
      total: 2,
      page: 1,
      page_size: 1,
    });
    const page2 = await reviewsOf(product.id, '?page=2&page_size=1').expect(200);
    expect(page2.body).toMatchObject({ total: 2, page: 2, page_size: 1 });
    expect(page2.body.items).toEqual([expect.objectContaining({ id: oldest, username: user.username })]);
    const all = await reviewsOf(product.id).expect(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, page_size: 20 });
    expect(all.body.items.map((r: { id: number }) => r.id)).toEqual([newest, oldest]);
  });

  it('answers 404 for an unknown or archived product and 422 for a bad id or page', async () => {
    const { product } = await buyer();
    await Product.update({ archived: true }, { where: { id: product.id } });
    for (const id of [product.id, 999]) {
      const res = await reviewsOf(id).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await reviewsOf(0).expect(422)).body.errors[0].field).toBe('product_id');
    expect((await reviewsOf(product.id, '?page=0').expect(422)).body.errors[0].field).toBe('page');
  });
});
