import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { Product } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { invalidateProducts, invalidateReviews, invalidateSales } from '../src/services/catalog-cache.js';
import { CATEGORIES_CACHE_KEY } from '../src/services/category-service.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';

const ctx = useTestApp();

describe('GET /api/v1/categories', () => {
  it('lists categories by sort_order then name, counting only listed products', async () => {
    const toys = await createCategory({ name: 'Toys', sort_order: 20 });
    const books = await createCategory({ name: 'Books', sort_order: 10 });
    const art = await createCategory({ name: 'Art', sort_order: 20, description: 'Paint and paper' });
    await createProduct(toys.id);
    await createProduct(toys.id);
    await createProduct(toys.id, { archived: true });
    await createProduct(books.id);

    const res = await request(ctx.app).get('/api/v1/categories').expect(200);

    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    await request(ctx.app).get('/api/v1/categories').set('If-None-Match', res.headers.etag!).expect(304);
    expect(res.body).toEqual([
      { id: books.id, name: 'Books', description: null, sort_order: 10, product_count: 1 },
      { id: art.id, name: 'Art', description: 'Paint and paper', sort_order: 20, product_count: 0 },
      { id: toys.id, name: 'Toys', description: null, sort_order: 20, product_count: 2 },
    ]);
  });

  it('returns an empty list when the shop has no categories', async () => {
    const res = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect(res.body).toEqual([]);
  });

  it('caches the list in Redis and serves the cached copy', async () => {
    await createCategory({ name: 'Garden' });
    await request(ctx.app).get('/api/v1/categories').expect(200);
    const cached = JSON.parse((await redis.get(CATEGORIES_CACHE_KEY)) ?? 'null') as { name: string }[];
    expect(cached.map((c) => c.name)).toEqual(['Garden']);
    expect(await redis.ttl(CATEGORIES_CACHE_KEY)).toBeGreaterThan(0);

    // A row written behind the cache's back is not visible until the key is invalidated.
    await createCategory({ name: 'Kitchen' });
    const stale = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect((stale.body as { name: string }[]).map((c) => c.name)).toEqual(['Garden']);
    await redis.del(CATEGORIES_CACHE_KEY);
    const fresh = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect((fresh.body as { name: string }[]).map((c) => c.name)).toEqual(['Garden', 'Kitchen']);
  });
});

describe('GET /api/v1/categories/{category_id}', () => {
  it('returns one category with its product count', async () => {
    const garden = await createCategory({ name: 'Garden', sort_order: 5 });
    await createProduct(garden.id);
    const res = await request(ctx.app).get(`/api/v1/categories/${garden.id}`).expect(200);
    expect(res.body).toEqual({ id: garden.id, name: 'Garden', description: null, sort_order: 5, product_count: 1 });
  });

  it('answers 404 problem for an unknown id', async () => {
    const res = await request(ctx.app).get('/api/v1/categories/999').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not found', detail: 'Category 999 does not exist.' });
  });

  it.each(['abc', '0', '-3', '1.5', '2147483648'])('answers 422 naming category_id for %s', async (id) => {
    const res = await request(ctx.app).get(`/api/v1/categories/${id}`).expect(422);
    expect(res.body.errors).toEqual([{ field: 'category_id', message: expect.any(String) }]);
  });
});

describe('category product counts', () => {
  const counts = async () =>
    Object.fromEntries(
      (
        (await request(ctx.app).get('/api/v1/categories').expect(200)).body as { name: string; product_count: number }[]
      ).map((c) => [c.name, c.product_count]),
    );
  /** What the panel does after a product change: the catalog caches that show products go. */
  const afterChange = (...ids: number[]) => invalidateProducts(ids);

  it('follow every product created, archived, restored, moved and deleted', async () => {
    const [garden, kitchen] = [await createCategory({ name: 'Garden' }), await createCategory({ name: 'Kitchen' })];
    const rake = await createProduct(garden.id);
    const hose = await createProduct(garden.id);
    await createProduct(kitchen.id, { archived: true });
    expect(await counts()).toEqual({ Garden: 2, Kitchen: 0 });

    await Product.update({ archived: true }, { where: { id: rake.id } });
    await afterChange(rake.id);
    expect(await counts()).toEqual({ Garden: 1, Kitchen: 0 });

    await Product.update({ archived: false }, { where: { id: rake.id } });
    await afterChange(rake.id);
    expect(await counts()).toEqual({ Garden: 2, Kitchen: 0 });

    await Product.update({ category_id: kitchen.id }, { where: { id: hose.id } });
    await afterChange(hose.id);
    expect(await counts()).toEqual({ Garden: 1, Kitchen: 1 });

    // Moving an archived product changes no count; deleting a listed one does.
    await sequelize.query('UPDATE products SET category_id = $1 WHERE archived', { bind: [garden.id] });
    await Product.destroy({ where: { id: hose.id } });
    await afterChange(hose.id);
    expect(await counts()).toEqual({ Garden: 1, Kitchen: 0 });
  });

  it('match a fresh count after bulk inserts, updates and deletes in single statements', async () => {
    const [a, b, c] = [await createCategory(), await createCategory(), await createCategory()];
    await sequelize.query(
      `INSERT INTO products (name, price, stock, category_id, archived)
       SELECT 'Bulk ' || n, 5, 1, (ARRAY[$1, $2, $3]::int[])[1 + n % 3], n % 5 = 0 FROM generate_series(1, 3000) AS n`,
      { bind: [a.id, b.id, c.id] },
    );
    await sequelize.query('UPDATE products SET archived = NOT archived WHERE id % 7 = 0');
    await sequelize.query('UPDATE products SET category_id = $1 WHERE id % 11 = 0', { bind: [c.id] });
    await sequelize.query('DELETE FROM products WHERE id % 13 = 0');

    const [mismatches] = await sequelize.query(
      `SELECT c.id, c.product_count, count(p.id) AS listed FROM categories c
         LEFT JOIN products p ON p.category_id = c.id AND NOT p.archived
        GROUP BY c.id HAVING c.product_count <> count(p.id)`,
    );
    expect(mismatches).toEqual([]);
  });

  it('are cached until a product or category change, not through sales and reviews', async () => {
    const garden = await createCategory({ name: 'Garden' });
    const rake = await createProduct(garden.id);
    await request(ctx.app).get('/api/v1/categories').expect(200);
    expect(await redis.exists(CATEGORIES_CACHE_KEY)).toBe(1);

    // A sale or a review changes the product's stock, sales or rating, not what the categories hold.
    await invalidateSales([rake.id]);
    await invalidateReviews(rake.id);
    expect(await redis.exists(CATEGORIES_CACHE_KEY)).toBe(1);
    await invalidateProducts([rake.id]);
    expect(await redis.exists(CATEGORIES_CACHE_KEY)).toBe(0);
  });
});
