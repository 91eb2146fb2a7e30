import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { redis } from '../src/redis.js';
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
