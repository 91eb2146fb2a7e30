/**
 * The schema's own guarantees: PostgreSQL rejects bad rows even if a bug in
 * the app tried to write them.
 */
import { QueryTypes } from 'sequelize';
import { beforeEach, describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { AdminLog, Cart, Order, OrderItem, Product, Review } from '../src/models/index.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

useTestApp();

/** Asserts that `write` is refused by PostgreSQL with this SQLSTATE and constraint. */
async function expectRejected(write: Promise<unknown>, code: string, constraint?: RegExp): Promise<void> {
  const error = (await write.then(
    () => undefined,
    (e: unknown) => e,
  )) as { parent?: { code?: string; constraint?: string; message?: string } } | undefined;
  expect(error, 'PostgreSQL accepted the row').toBeDefined();
  expect(error?.parent?.code).toBe(code);
  if (constraint) expect(error?.parent?.constraint ?? error?.parent?.message).toMatch(constraint);
}

const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';

let fixture: { userId: number; productId: number; otherProductId: number; orderId: number };

beforeEach(async () => {
  const category = await createCategory();
  const product = await createProduct(category.id, { price: '10.00', stock: 3 });
  const other = await createProduct(category.id);
  const user = await createUser();
  const order = await Order.create({
    user_id: user.id,
    total_amount: '20.00',
    shipping_address: '1 Main St',
    idempotency_key: 'key-1',
    idempotency_fingerprint: 'f'.repeat(64),
    paid_at: null,
    shipped_at: null,
    completed_at: null,
    cancelled_at: null,
  });
  await OrderItem.create({
    order_id: order.id,
    product_id: product.id,
    product_name: product.name,
    quantity: 2,
    price: '10.00',
    subtotal: '20.00',
  });
  fixture = { userId: user.id, productId: product.id, otherProductId: other.id, orderId: order.id };
});

describe('products', () => {
  it('rejects negative stock', async () => {
    await expectRejected(
      sequelize.query('UPDATE products SET stock = stock - 4 WHERE id = $1', { bind: [fixture.productId] }),
      CHECK,
      /products_stock_nonnegative/,
    );
    expect((await Product.findByPk(fixture.productId))?.stock).toBe(3);
  });

  it('rejects a zero price', async () => {
    await expectRejected(
      Product.update({ price: '0.00' }, { where: { id: fixture.productId }, validate: false }),
      CHECK,
      /products_price_positive/,
    );
  });

  it('rejects a product in a category that does not exist', async () => {
    await expectRejected(
      Product.create({ name: 'Orphan', description: null, price: '1.00', image_url: null, category_id: 9999 }),
      FOREIGN_KEY,
    );
  });

  it('refuses to delete a product that is on an order', async () => {
    await expectRejected(
      Product.destroy({ where: { id: fixture.productId } }),
      FOREIGN_KEY,
      /order_items_product_id_fkey/,
    );
  });
});

describe('users', () => {
  it('rejects an email that differs only in case', async () => {
    await createUser({ email: 'Ada@Example.test' });
    await expectRejected(createUser({ email: 'ada@example.TEST' }), UNIQUE, /users_email_lower_key/);
  });

  it('rejects a username that differs only in case', async () => {
    await createUser({ username: 'Ada' });
    await expectRejected(createUser({ username: 'ADA' }), UNIQUE, /users_username_lower_key/);
  });

  it('rejects an unknown role', async () => {
    const user = await createUser();
    await expectRejected(
      sequelize.query(`UPDATE users SET role = 'root' WHERE id = $1`, { bind: [user.id] }),
      CHECK,
      /users_role_check/,
    );
  });
});

describe('carts', () => {
  it('rejects a second line for the same product', async () => {
    await Cart.create({ user_id: fixture.userId, product_id: fixture.productId, quantity: 1 });
    await expectRejected(
      Cart.create({ user_id: fixture.userId, product_id: fixture.productId, quantity: 2 }),
      UNIQUE,
      /carts_user_product_key/,
    );
  });

  it('rejects a zero quantity', async () => {
    await expectRejected(Cart.create({ user_id: fixture.userId, product_id: fixture.productId, quantity: 0 }), CHECK);
  });
});

describe('orders and order items', () => {
  it('rejects an unknown status', async () => {
    await expectRejected(
      sequelize.query(`UPDATE orders SET status = 'lost' WHERE id = $1`, { bind: [fixture.orderId] }),
      CHECK,
      /orders_status_check/,
    );
  });

  it('rejects a reused idempotency key for the same user', async () => {
    await expectRejected(
      Order.create({
        user_id: fixture.userId,
        total_amount: '1.00',
        shipping_address: 'x',
        idempotency_key: 'key-1',
        idempotency_fingerprint: 'f'.repeat(64),
        paid_at: null,
        shipped_at: null,
        completed_at: null,
        cancelled_at: null,
      }),
      UNIQUE,
      /orders_user_idempotency_key/,
    );
  });

  it('rejects an idempotency key without its request fingerprint', async () => {
    await expectRejected(
      sequelize.query(`UPDATE orders SET idempotency_fingerprint = NULL WHERE id = $1`, { bind: [fixture.orderId] }),
      CHECK,
      /orders_idempotency_pair/,
    );
  });

  it('rejects a subtotal that is not price x quantity', async () => {
    await expectRejected(
      OrderItem.create({
        order_id: fixture.orderId,
        product_id: fixture.otherProductId,
        product_name: 'x',
        quantity: 3,
        price: '19.99',
        subtotal: '59.96',
      }),
      CHECK,
      /order_items_subtotal_exact/,
    );
  });
});

describe('reviews', () => {
  // validate: false skips the model's own checks, so that PostgreSQL is the one refusing.
  const review = (fields: Record<string, unknown>) =>
    Review.create(
      {
        user_id: fixture.userId,
        order_id: fixture.orderId,
        product_id: fixture.productId,
        rating: 5,
        content: null,
        ...fields,
      },
      { validate: false },
    );

  it('accepts a valid review with image URLs in JSONB', async () => {
    const created = await review({ rating: 4, images: ['https://img.example/1.jpg'] });
    const [row] = await sequelize.query<{ kind: string }>(
      'SELECT jsonb_typeof(images) AS kind FROM reviews WHERE id = $1',
      {
        bind: [created.id],
        type: QueryTypes.SELECT,
      },
    );
    expect(row?.kind).toBe('array');
  });

  it('rejects rating 7 and rating 0', async () => {
    await expectRejected(review({ rating: 7 }), CHECK, /reviews_rating_range/);
    await expectRejected(review({ rating: 0 }), CHECK, /reviews_rating_range/);
  });

  it('rejects a second review of the same product on the same order', async () => {
    await review({});
    await expectRejected(review({}), UNIQUE, /reviews_order_product_key/);
  });

  it('rejects a review of a product that is not on the order', async () => {
    await expectRejected(review({ product_id: fixture.otherProductId }), FOREIGN_KEY, /reviews_order_item_fkey/);
  });

  it('rejects more than 9 images and non-array images', async () => {
    await expectRejected(
      review({ images: Array.from({ length: 10 }, (_, i) => `https://img.example/${i}.jpg`) }),
      CHECK,
    );
    await expectRejected(review({ images: { url: 'x' } }), CHECK, /reviews_images_array/);
  });

  it('rejects content over 2000 characters', async () => {
    await expectRejected(review({ content: 'x'.repeat(2001) }), CHECK, /reviews_content_length/);
  });
});

describe('admin_logs', () => {
  it('is append-only: UPDATE and DELETE are refused', async () => {
    const admin = await createUser({ role: 'admin' });
    const log = await AdminLog.create({
      admin_id: admin.id,
      action: 'edit',
      target_type: 'products',
      target_id: '1',
      details: {},
    });
    await expectRejected(AdminLog.update({ action: 'nothing' }, { where: { id: log.id } }), '42501', /append-only/);
    await expectRejected(AdminLog.destroy({ where: { id: log.id } }), '42501', /append-only/);
    expect((await AdminLog.findByPk(log.id))?.action).toBe('edit');
  });

  it('keeps an admin with log rows from being deleted', async () => {
    const admin = await createUser({ role: 'admin' });
    await AdminLog.create({ admin_id: admin.id, action: 'edit', target_type: 'products', target_id: '1', details: {} });
    await expectRejected(admin.destroy(), FOREIGN_KEY);
  });
});
