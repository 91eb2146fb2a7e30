/** The public catalog: product lists (paging, filters, sorts, search), details, best sellers and their caching. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { Product } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { redisKeys } from './support/redis-claims.js';
import { HOT_PRODUCTS_PREFIX } from '../src/services/catalog-cache.js';
import { userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout } from './support/shop.js';

const ctx = useTestApp();

const list = (query = '') => request(ctx.app).get(`/api/v1/products${query}`);
const ids = (res: { body: { items: { id: number }[] } }) => res.body.items.map((item) => item.id);

/** Sets columns the API never writes directly (rating, sales, creation time). */
async function setColumns(id: number, fields: { rating_avg?: string; sales_count?: number; created_at?: string }) {
  const sets = Object.keys(fields).map((column, i) => `${column} = $${i + 2}`);
  await sequelize.query(`UPDATE products SET ${sets.join(', ')} WHERE id = $1`, {
    bind: [id, ...Object.values(fields)],
  });
}

/** Expects a 422 problem naming exactly `field`. */
function expectInvalid(res: request.Response, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
}

describe('GET /api/v1/products: shape and paging', () => {
  it('lists products with every summary field, on page 1 of 20 by default', async () => {
    const category = await createCategory();
    const products = [];
    for (let i = 0; i < 21; i += 1) products.push(await createProduct(category.id));
    const first = products[20]!;

    const res = await list().expect(200);

    expect(res.body).toMatchObject({ total: 21, page: 1, page_size: 20, total_capped: false });
    expect(res.body.items).toHaveLength(20);
    expect(res.body.items[0]).toEqual({
      id: first.id,
      name: first.name,
      price: '19.99',
      stock: 10,
      image_url: null,
      category_id: category.id,
      rating_avg: 0,
      review_count: 0,
      sales_count: 0,
      created_at: first.created_at.toISOString(),
    });
  });

  it('pages through the list, up to 100 per page, and past the end', async () => {
    const category = await createCategory();
    const [a, b, c] = [
      await createProduct(category.id),
      await createProduct(category.id),
      await createProduct(category.id),
    ];

    const second = await list('?page=2&page_size=2').expect(200);
    expect(second.body).toMatchObject({ total: 3, page: 2, page_size: 2 });
    expect(ids(second)).toEqual([a.id]);
    const beyond = await list('?page=3&page_size=2').expect(200);
    expect(beyond.body).toEqual({ items: [], total: 3, page: 3, page_size: 2, total_capped: false });
    const big = await list('?page_size=100').expect(200);
    expect(big.body).toMatchObject({ total: 3, page_size: 100 });
    expect(ids(big)).toEqual([c.id, b.id, a.id]);
  });

  it.each([
    ['?page=0', 'page'],
    ['?page=abc', 'page'],
    ['?page_size=0', 'page_size'],
    ['?page_size=101', 'page_size'],
    ['?sort=cheapest', 'sort'],
  ])('refuses %s with 422 naming %s', async (query, field) => {
    expectInvalid(await list(query), field);
  });

  it('never lists archived products, not even in a search', async () => {
    const category = await createCategory();
    const listed = await createProduct(category.id, { name: 'Listed lantern' });
    await createProduct(category.id, { name: 'Archived lantern', archived: true });

    const res = await list().expect(200);
    expect(res.body).toMatchObject({ total: 1 });
    expect(ids(res)).toEqual([listed.id]);
    expect(ids(await list('?q=lantern').expect(200))).toEqual([listed.id]);
  });
});

describe('GET /api/v1/products: totals of big lists', () => {
  /** `count` products in `categoryId`, one statement; every 4th sold out. */
  const bulk = (categoryId: number, count: number) =>
    sequelize.query(
      `INSERT INTO products (name, price, stock, category_id)
       SELECT 'Bulk ' || n, 5 + n % 50, CASE WHEN n % 4 = 0 THEN 0 ELSE 3 END, $1 FROM generate_series(1, $2) AS n`,
      { bind: [categoryId, count] },
    );

  it('counts a category (or the whole catalog) exactly, from the category counts', async () => {
    const [garden, kitchen] = [await createCategory(), await createCategory()];
    await bulk(garden.id, 1500);
    await bulk(kitchen.id, 20);
    expect((await list(`?category_id=${garden.id}`).expect(200)).body).toMatchObject({
      total: 1500,
      total_capped: false,
    });
    expect((await list('?sort=price_asc').expect(200)).body).toMatchObject({ total: 1520, total_capped: false });
  });

  it('counts other filters up to 1,000 and flags the total as a lower bound beyond', async () => {
    const garden = await createCategory();
    await bulk(garden.id, 1500);
    const soldOut = (await list(`?category_id=${garden.id}&in_stock=false`).expect(200)).body;
    expect(soldOut).toMatchObject({ total: 375, total_capped: false });
    const inStock = await list(`?category_id=${garden.id}&in_stock=true&page=2`).expect(200);
    expect(inStock.body).toMatchObject({ total: 1000, total_capped: true, page: 2 });
    expect(inStock.body.items).toHaveLength(20);
    // The page where the list ends gives the exact total.
    const last = await list(`?category_id=${garden.id}&in_stock=true&page=12&page_size=100`).expect(200);
    expect(last.body).toMatchObject({ total: 1125, total_capped: false });
    expect(last.body.items).toHaveLength(25);
    // A page deep past the cap still knows at least as many as it has seen.
    const deep = await list(`?category_id=${garden.id}&min_price=5&page=11&page_size=100`).expect(200);
    expect(deep.body).toMatchObject({ total: 1100, total_capped: true });
  });
});

describe('GET /api/v1/products: filters', () => {
  it('filters by category', async () => {
    const [books, toys] = [await createCategory(), await createCategory()];
    const book = await createProduct(books.id);
    await createProduct(toys.id);
    const res = await list(`?category_id=${books.id}`).expect(200);
    expect(res.body.total).toBe(1);
    expect(ids(res)).toEqual([book.id]);
  });

  it('filters by price with inclusive bounds, to the cent', async () => {
    const category = await createCategory();
    for (const price of ['9.99', '10.00', '19.99', '20.00', '20.01']) await createProduct(category.id, { price });
    const prices = (res: request.Response) => (res.body.items as { price: string }[]).map((p) => p.price);

    const both = await list('?min_price=10&max_price=20&sort=price_asc').expect(200);
    expect(prices(both)).toEqual(['10.00', '19.99', '20.00']);
    expect(both.body.total).toBe(3);
    expect(prices(await list('?min_price=19.99&sort=price_asc').expect(200))).toEqual(['19.99', '20.00', '20.01']);
    expect(prices(await list('?max_price=19.99&sort=price_asc').expect(200))).toEqual(['9.99', '10.00', '19.99']);
  });

  it('refuses a minimum price above the maximum, on min_price', async () => {
    expectInvalid(await list('?min_price=20.01&max_price=20'), 'min_price');
  });

  it.each(['1.999', 'abc', '-1'])('refuses the money amount %s', async (amount) => {
    expectInvalid(await list(`?min_price=${encodeURIComponent(amount)}`), 'min_price');
    expectInvalid(await list(`?max_price=${encodeURIComponent(amount)}`), 'max_price');
  });

  it('filters by stock: in_stock=true only in stock, false only sold out', async () => {
    const category = await createCategory();
    const available = await createProduct(category.id, { stock: 5 });
    const soldOut = await createProduct(category.id, { stock: 0 });
    expect(ids(await list('?in_stock=true').expect(200))).toEqual([available.id]);
    expect(ids(await list('?in_stock=false').expect(200))).toEqual([soldOut.id]);
  });
});

describe('GET /api/v1/products: sorts', () => {
  // Each expected order differs from id order and from every other sort's.
  it.each([
    ['newest', ['Delta', 'Charlie', 'Bravo', 'Alpha']],
    ['price_asc', ['Charlie', 'Bravo', 'Delta', 'Alpha']],
    ['price_desc', ['Alpha', 'Delta', 'Bravo', 'Charlie']],
    ['name', ['Alpha', 'Bravo', 'Charlie', 'Delta']],
    ['rating', ['Delta', 'Charlie', 'Bravo', 'Alpha']], // Charlie and Bravo tie at 4.50: lower id first
    ['sales', ['Alpha', 'Bravo', 'Charlie', 'Delta']],
  ])('sort=%s orders the list', async (sort, expected) => {
    const category = await createCategory();
    const rows = [
      { name: 'Charlie', price: '5.00', rating_avg: '4.50', sales_count: 3, created_at: '2024-01-03T00:00:00Z' },
      { name: 'Alpha', price: '30.00', rating_avg: '3.00', sales_count: 10, created_at: '2024-01-01T00:00:00Z' },
      { name: 'Delta', price: '12.50', rating_avg: '4.90', sales_count: 0, created_at: '2024-01-04T00:00:00Z' },
      { name: 'Bravo', price: '12.49', rating_avg: '4.50', sales_count: 7, created_at: '2024-01-02T00:00:00Z' },
    ];
    for (const { name, price, ...columns } of rows) {
      const product = await createProduct(category.id, { name, price });
      await setColumns(product.id, columns);
    }
    const res = await list(`?sort=${sort}`).expect(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(expected);
  });
});

describe('GET /api/v1/products?q=: full-text search', () => {
  it('finds a word that appears only in the description', async () => {
    const category = await createCategory();
    const lamp = await createProduct(category.id, { name: 'Desk lamp', description: 'Warm light with a brass hinge' });
    await createProduct(category.id, { name: 'Floor lamp', description: 'Tall and bright' });
    const res = await list('?q=brass').expect(200);
    expect(res.body.total).toBe(1);
    expect(ids(res)).toEqual([lamp.id]);
  });

  it('stems words: "kites" finds a kite', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Red kite', description: 'Flies in light wind' });
    expect(ids(await list('?q=kites').expect(200))).toEqual([kite.id]);
  });

  it('without a sort, ranks a name match above a description-only match', async () => {
    const category = await createCategory();
    // The name match has the lower id, so the id tie-break alone would put it last.
    const named = await createProduct(category.id, { name: 'Waterproof jacket', description: 'For the hills' });
    const described = await createProduct(category.id, { name: 'Hiking boots', description: 'Waterproof leather' });
    expect(ids(await list('?q=waterproof').expect(200))).toEqual([named.id, described.id]);
  });

  it('finds nothing for a word no product has', async () => {
    const category = await createCategory();
    await createProduct(category.id, { name: 'Teapot' });
    expect((await list('?q=submarine').expect(200)).body).toEqual({
      items: [],
      total: 0,
      page: 1,
      page_size: 20,
      total_capped: false,
    });
  });

  it('combines a search with a category filter', async () => {
    const [garden, kitchen] = [await createCategory(), await createCategory()];
    const gardenHose = await createProduct(garden.id, { name: 'Garden hose' });
    await createProduct(kitchen.id, { name: 'Sink hose' });
    const res = await list(`?q=hose&category_id=${garden.id}`).expect(200);
    expect(res.body.total).toBe(1);
    expect(ids(res)).toEqual([gardenHose.id]);
  });
});

describe('GET /api/v1/products/{product_id}', () => {
  it('returns the product with description, category, rating and review count', async () => {
    const category = await createCategory({ name: 'Outdoors' });
    const tent = await createProduct(category.id, { name: 'Tent', description: 'Sleeps two', price: '149.50' });
    await setColumns(tent.id, { rating_avg: '4.25' });
    await Product.update({ review_count: 4 }, { where: { id: tent.id } });

    const res = await request(ctx.app).get(`/api/v1/products/${tent.id}`).expect(200);
    expect(res.body).toMatchObject({
      id: tent.id,
      name: 'Tent',
      description: 'Sleeps two',
      price: '149.50',
      stock: 10,
      category_id: category.id,
      category: { id: category.id, name: 'Outdoors' },
      rating_avg: 4.25,
      review_count: 4,
      sales_count: 0,
      created_at: tent.created_at.toISOString(),
    });
  });

  it('answers 404 problem for an archived or unknown product, 422 for a non-numeric id', async () => {
    const category = await createCategory();
    const archived = await createProduct(category.id, { archived: true });
    for (const id of [archived.id, 999]) {
      const res = await request(ctx.app).get(`/api/v1/products/${id}`).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, type: 'urn:emporium:problem:not-found' });
    }
    expectInvalid(await request(ctx.app).get('/api/v1/products/abc'), 'product_id');
  });

  it('shows the stock a checkout left at once, though the detail was cached before', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id, { stock: 10 });
    const detail = () => request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    expect((await detail()).body.stock).toBe(10);

    const { tokens } = await userWithTokens(ctx.app);
    await addToCart(ctx.app, tokens.access_token, product.id, 3);
    await checkout(ctx.app, tokens.access_token);

    expect((await detail()).body.stock).toBe(7);
    expect((await Product.findByPk(product.id))!.stock).toBe(7);
  });
});

describe('GET /api/v1/products/hot', () => {
  it('lists products that sold, best sellers first, within the limit, from Redis', async () => {
    const category = await createCategory();
    const some = await createProduct(category.id);
    const most = await createProduct(category.id);
    const none = await createProduct(category.id);
    const archived = await createProduct(category.id, { archived: true });
    await setColumns(some.id, { sales_count: 5 });
    await setColumns(most.id, { sales_count: 9 });
    await setColumns(archived.id, { sales_count: 20 });

    const res = await request(ctx.app).get('/api/v1/products/hot').expect(200);
    expect(res.body.map((p: { id: number }) => p.id)).toEqual([most.id, some.id]);
    expect(res.body[0]).toMatchObject({ sales_count: 9, price: '19.99' });
    expect(res.body.map((p: { id: number }) => p.id)).not.toContain(none.id);

    const keys = await redisKeys(redis, `${HOT_PRODUCTS_PREFIX}*`);
    expect(keys).toHaveLength(1);
    expect(JSON.parse((await redis.get(keys[0]!))!)).toEqual(res.body);

    const one = await request(ctx.app).get('/api/v1/products/hot?limit=1').expect(200);
    expect(one.body.map((p: { id: number }) => p.id)).toEqual([most.id]);
  });

  it.each(['0', '51', 'abc'])('refuses limit=%s', async (limit) => {
    expectInvalid(await request(ctx.app).get(`/api/v1/products/hot?limit=${limit}`), 'limit');
  });
});

describe('HTTP caching of catalog responses', () => {
  it.each(['/api/v1/products?page_size=5', '/api/v1/products/1', '/api/v1/products/hot'])(
    '%s is public, has an ETag, and revalidates with 304',
    async (path) => {
      const category = await createCategory();
      const product = await createProduct(category.id);
      await setColumns(product.id, { sales_count: 1 });

      const first = await request(ctx.app).get(path).expect(200);
      expect(first.headers['cache-control']).toContain('public');
      const etag = first.headers.etag;
      expect(etag).toBeTruthy();

      const again = await request(ctx.app).get(path).set('If-None-Match', etag!).expect(304);
      expect(again.text).toBe('');
      expect(again.headers['content-length'] ?? '0').toBe('0');
    },
  );
});
