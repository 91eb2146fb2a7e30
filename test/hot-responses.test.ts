/**
 * Hot responses (src/http/hot-responses.ts): a repeat GET of a cached public
 * catalog answer is served from Redis before Express runs. It must be byte
 * for byte and header for header what the full stack sent, read Redis every
 * time (so an invalidation shows at once), and fall through to the full
 * stack whenever the entry or Redis is not there.
 *
 * `bare` is the same request listener around an app without any API routes:
 * Express alone answers every API URL there with 404, so a 200 from it can
 * only have come from the hot path.
 */
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { PUBLIC_CATALOG } from '../src/controllers/cache-policy.js';
import { withHotResponses } from '../src/http/hot-responses.js';
import { Product } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { redisKeys } from './support/redis-claims.js';
import { CATEGORIES_CACHE_KEY } from '../src/services/category-service.js';
import { PRODUCT_LISTS_PREFIX, invalidateProducts, productKey } from '../src/services/catalog-cache.js';
import { form, staffSession } from './support/admin.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';

const ctx = useTestApp();
let bare: RequestListener;
beforeAll(() => {
  bare = withHotResponses(createApp({ routes: () => undefined }));
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Response headers without the ones that differ on every request. */
function stableHeaders(headers: Record<string, string>): Record<string, string> {
  const { 'x-request-id': _id, date: _date, ...rest } = headers;
  return rest;
}

/** A category with a product whose name is not ASCII (Content-Length and ETag count bytes, not characters). */
async function shop() {
  const category = await createCategory({ name: 'Kitchen' });
  const product = await createProduct(category.id, { name: 'Crème brûlée torch ☕', price: '12.50', stock: 7 });
  return { category, product };
}

/** The value of one Prometheus sample in /metrics (0 when absent). */
async function metric(sample: string): Promise<number> {
  const text = (await request(ctx.app).get('/metrics').expect(200)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

describe('repeat GETs', () => {
  it('answer the second and third GET of the same URL with the same bytes, headers and ETag as the first', async () => {
    const { product } = await shop();
    await Product.update({ sales_count: 3 }, { where: { id: product.id } });
    const urls = [
      `/api/v1/products/${product.id}`,
      '/api/v1/products?page=1&page_size=5',
      '/api/v1/products/hot',
      '/api/v1/categories',
    ];
    for (const url of urls) {
      // Not remembered yet: Express alone has no such route.
      await request(bare).get(url).expect(404);
      const first = await request(ctx.app).get(url).expect(200);
      expect(first.text, url).toContain(url.includes('categories') ? 'Kitchen' : 'Crème brûlée torch ☕');
      const second = await request(ctx.app).get(url).expect(200);
      const third = await request(ctx.app).get(url).expect(200);
      // Only the hot path can answer this one.
      const hot = await request(bare).get(url).expect(200);

      for (const res of [second, third, hot]) {
        expect(res.text, url).toBe(first.text);
        expect(stableHeaders(res.headers), url).toEqual(stableHeaders(first.headers));
      }
      expect(first.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': PUBLIC_CATALOG,
        'content-length': String(Buffer.byteLength(first.text)),
        etag: expect.stringMatching(/^W\/"/),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      const ids = [first, second, third, hot].map((res) => res.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(4);
    }
  });

  it('echoes a sane client X-Request-Id on a hot answer and replaces one that is not', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    await request(ctx.app).get(url).expect(200);
    const echoed = await request(bare).get(url).set('X-Request-Id', 'trace-42.abc:DEF_1').expect(200);
    expect(echoed.headers['x-request-id']).toBe('trace-42.abc:DEF_1');
    const replaced = await request(bare).get(url).set('X-Request-Id', 'not sane <script>').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(UUID);
  });

  it('keeps different query strings apart: each URL gets its own page', async () => {
    const category = await createCategory();
    for (let i = 0; i < 8; i += 1) await createProduct(category.id);
    const five = '/api/v1/products?page=1&page_size=5';
    const six = '/api/v1/products?page=1&page_size=6';
    const second = '/api/v1/products?page=2&page_size=5';
    for (let round = 0; round < 3; round += 1) {
      for (const app of [ctx.app, bare]) {
        expect((await request(app).get(five).expect(200)).body.items).toHaveLength(5);
        expect((await request(app).get(six).expect(200)).body.items).toHaveLength(6);
        const page2 = (await request(app).get(second).expect(200)).body as { items: unknown[]; page: number };
        expect(page2).toMatchObject({ page: 2, total: 8 });
        expect(page2.items).toHaveLength(3);
      }
    }
    // One cache entry per distinct query.
    expect(await redisKeys(redis, `${PRODUCT_LISTS_PREFIX}*`)).toHaveLength(3);
  });

  it('never answers HEAD from the hot path, and HEAD gets the headers of the GET without a body', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    const get = await request(ctx.app).get(url).expect(200);
    await request(ctx.app).get(url).expect(200);
    await request(bare).head(url).expect(404);
    const head = await request(ctx.app).head(url).expect(200);
    expect(head.text ?? '').toBe('');
    expect(stableHeaders(head.headers)).toEqual(stableHeaders(get.headers));
  });

  it('counts hot answers as cache hits and requests of their route in /metrics', async () => {
    await shop();
    const url = '/api/v1/products?page=1&page_size=3';
    await request(ctx.app).get(url).expect(200);
    const hits = 'cache_lookups_total{cache="product-list",result="hit"}';
    const answered = 'http_requests_total{method="GET",route="/api/v1/products",status="200"}';
    const [hitsBefore, answeredBefore] = [await metric(hits), await metric(answered)];
    for (let i = 0; i < 3; i += 1) await request(bare).get(url).expect(200);
    expect(await metric(hits)).toBe(hitsBefore + 3);
    expect(await metric(answered)).toBe(answeredBefore + 3);
  });
});

describe('conditional GETs', () => {
  it('answers If-None-Match with the ETag by 304: no body, no Content-Type, ETag and Cache-Control kept', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    const first = await request(ctx.app).get(url).expect(200);
    const tag = first.headers.etag!;

    const hot = await request(bare).get(url).set('If-None-Match', tag).expect(304);
    expect(hot.text ?? '').toBe('');
    expect(hot.headers['content-type']).toBeUndefined();
    expect(hot.headers['content-length']).toBeUndefined();
    expect(hot.headers.etag).toBe(tag);
    expect(hot.headers['cache-control']).toBe(PUBLIC_CATALOG);
    expect(hot.headers['x-request-id']).toMatch(UUID);

    // The full stack's own 304 (entry dropped, so the hot path falls through) has the same headers.
    await redis.del(productKey(product.id));
    await request(bare).get(url).set('If-None-Match', tag).expect(404);
    const full = await request(ctx.app).get(url).set('If-None-Match', tag).expect(304);
    expect(stableHeaders(full.headers)).toEqual(stableHeaders(hot.headers));
  });

  it('answers 304 for a matching ETag whatever Cache-Control says, and 200 with the body for another ETag', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    const first = await request(ctx.app).get(url).expect(200);
    const tag = first.headers.etag!;
    // `bare` answers only from the hot path: both paths judge If-None-Match on its own (RFC 9110 §13.2.1).
    for (const app of [ctx.app, bare]) {
      const noCache = await request(app)
        .get(url)
        .set('If-None-Match', tag)
        .set('Cache-Control', 'no-cache')
        .expect(304);
      expect(noCache.text).toBe('');
      expect(noCache.headers.etag).toBe(tag);
      const other = await request(app).get(url).set('If-None-Match', 'W/"something-else"').expect(200);
      expect(other.text).toBe(first.text);
      expect(other.headers.etag).toBe(tag);
    }
  });
});

describe('freshness', () => {
  it('shows a price edited in the admin panel on the very next GET of the same URLs', async () => {
    const { agent } = await staffSession(ctx.app);
    const { category, product } = await shop();
    const detail = `/api/v1/products/${product.id}`;
    const list = '/api/v1/products?page=1&page_size=5';
    const old: Record<string, string> = {};
    for (const url of [detail, list]) {
      await request(ctx.app).get(url).expect(200);
      old[url] = (await request(bare).get(url).expect(200)).headers.etag!;
    }

    await agent
      .post(`/admin/api/resources/products/records/${product.id}/edit`)
      .type('form')
      .send(form({ name: product.name, price: '24.99', stock: 7, category_id: category.id }))
      .expect(200);

    // The entries are gone: the hot path falls through (404 without routes) ...
    await request(bare).get(detail).expect(404);
    // ... and the full stack answers from PostgreSQL at once, with a new ETag.
    const fresh = await request(ctx.app).get(detail).set('If-None-Match', old[detail]!).expect(200);
    expect(fresh.body.price).toBe('24.99');
    expect(fresh.headers.etag).not.toBe(old[detail]);
    const freshList = await request(ctx.app).get(list).set('If-None-Match', old[list]!).expect(200);
    expect(freshList.body.items[0].price).toBe('24.99');
    // Cached again, and hot again with the new text and ETag.
    expect(JSON.parse((await redis.get(productKey(product.id)))!)).toMatchObject({ price: '24.99' });
    const hot = await request(bare).get(detail).expect(200);
    expect(hot.text).toBe(fresh.text);
    expect(hot.headers.etag).toBe(fresh.headers.etag);
    expect(await Product.findByPk(product.id)).toMatchObject({ price: '24.99' });
  });

  it('shows an archived product as gone (detail, list, category count) after the invalidation the panel makes', async () => {
    const { product } = await shop();
    const urls = [`/api/v1/products/${product.id}`, '/api/v1/products', '/api/v1/categories'];
    for (const url of urls) {
      await request(ctx.app).get(url).expect(200);
      await request(bare).get(url).expect(200);
    }

    await Product.update({ archived: true }, { where: { id: product.id } });
    await invalidateProducts([product.id]);

    await request(ctx.app).get(urls[0]!).expect(404);
    expect((await request(ctx.app).get(urls[1]!).expect(200)).body).toMatchObject({ items: [], total: 0 });
    expect((await request(ctx.app).get(urls[2]!).expect(200)).body).toEqual([
      expect.objectContaining({ name: 'Kitchen', product_count: 0 }),
    ]);
    // A 404 is never cached nor remembered: the detail stays a fall-through.
    expect(await redis.exists(productKey(product.id))).toBe(0);
    await request(bare).get(urls[0]!).expect(404);
  });

  it('never serves review pages hot: they 404 at once when the product is archived', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}/reviews`;
    const first = await request(ctx.app).get(url).expect(200);
    expect(first.body).toEqual({ items: [], total: 0, page: 1, page_size: 20 });
    await request(ctx.app).get(url).expect(200);
    await request(bare).get(url).expect(404);

    // Archived in the database only (no invalidation yet): the listing check runs on every request.
    await Product.update({ archived: true }, { where: { id: product.id } });
    await request(ctx.app).get(url).expect(404);
    // And with the invalidation the admin policy makes.
    await invalidateProducts([product.id]);
    const gone = await request(ctx.app).get(url).expect(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 404, detail: `Product ${product.id} does not exist.` });
  });

  it('after FLUSHDB falls through to PostgreSQL, answers 200 and caches the entry again', async () => {
    const { product } = await shop();
    const detail = `/api/v1/products/${product.id}`;
    const first = await request(ctx.app).get(detail).expect(200);
    await request(ctx.app).get('/api/v1/categories').expect(200);
    await redis.flushdb();

    await request(bare).get(detail).expect(404);
    const again = await request(ctx.app).get(detail).expect(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await redis.get(productKey(product.id))).toBe(first.text);
    expect((await request(bare).get(detail).expect(200)).text).toBe(first.text);

    const categories = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect(await redis.get(CATEGORIES_CACHE_KEY)).toBe(categories.text);
  });
});

describe('with Redis unavailable', () => {
  it('falls through to the full stack while the client is disconnected, and is hot again once it reconnects', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    const first = await request(ctx.app).get(url).expect(200);
    await request(bare).get(url).expect(200);

    const ended = new Promise((resolve) => redis.once('end', resolve));
    redis.disconnect();
    await ended;
    try {
      await request(bare).get(url).expect(404);
      const fromPostgres = await request(ctx.app).get(url).expect(200);
      expect(fromPostgres.text).toBe(first.text);
      expect(stableHeaders(fromPostgres.headers)).toEqual(stableHeaders(first.headers));
    } finally {
      await redis.connect();
    }
    expect(redis.status).toBe('ready');
    // The entry was never touched: hot again.
    expect((await request(bare).get(url).expect(200)).text).toBe(first.text);
  });

  it('falls through when reading the entry fails (a key of the wrong type), and the full stack repairs it', async () => {
    const { product } = await shop();
    const url = `/api/v1/products/${product.id}`;
    const first = await request(ctx.app).get(url).expect(200);
    await redis.del(productKey(product.id));
    await redis.hset(productKey(product.id), 'not', 'a string');

    // GET on a hash fails (WRONGTYPE): no hot answer, no error either.
    await request(bare).get(url).expect(404);
    const res = await request(ctx.app).get(url).expect(200);
    expect(res.text).toBe(first.text);
    expect(await redis.type(productKey(product.id))).toBe('string');
    expect((await request(bare).get(url).expect(200)).text).toBe(first.text);
  });
});
