/**
 * The search box as shoppers use it: prefixes while typing, typos, web-search
 * syntax, big result sets (capped totals, every sort, relevance across the
 * ranked candidates), archived products, and words that cluster in one sort.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();

interface Item {
  id: number;
  name: string;
  price: string;
}
const search = (query: string) => request(ctx.app).get(`/api/v1/products?${query}`).expect(200);
const names = (res: request.Response) => (res.body.items as Item[]).map((item) => item.name);
const ids = (res: request.Response) => (res.body.items as Item[]).map((item) => item.id);

/**
 * Inserts `count` products in one statement (as a bulk load would), named
 * `${name} ${n}` with `description`, prices and sales varying with n; every
 * `archiveEvery`th one archived. Then ANALYZE, as a real catalog has statistics.
 */
async function bulkProducts(
  categoryId: number,
  count: number,
  { name, description, archiveEvery = 0 }: { name: string; description: string; archiveEvery?: number },
) {
  await sequelize.query(
    `INSERT INTO products (name, description, price, stock, category_id, sales_count, archived)
     SELECT $2 || ' ' || n, $3, 1 + (n * 7919 % 1000) / 10.0, n % 20, $1, n * 31 % 97,
            $4 > 0 AND n % greatest($4, 1) = 0
       FROM generate_series(1, $5) AS n`,
    { bind: [categoryId, name, description, archiveEvery, count] },
  );
  await sequelize.query('ANALYZE products');
}

describe('GET /api/v1/products?q=: while typing', () => {
  it('matches the last word as a prefix: headph finds headphones, kett a kettle', async () => {
    const category = await createCategory();
    const headphones = await createProduct(category.id, { name: 'Wireless headphones', description: 'Over-ear' });
    const wired = await createProduct(category.id, { name: 'Studio headphones', description: 'With a cable' });
    const kettle = await createProduct(category.id, { name: 'Steel kettle', description: 'Boils fast' });
    await createProduct(category.id, { name: 'Head torch', description: 'Bright' });

    expect(ids(await search('q=headph')).sort()).toEqual([headphones.id, wired.id].sort());
    expect(ids(await search('q=wireless%20headph'))).toEqual([headphones.id]);
    expect(ids(await search('q=kett'))).toEqual([kettle.id]);
    // Only the last word is a prefix: "head" alone is a word here, found in no product.
    expect(ids(await search('q=head%20kettle'))).toEqual([]);
  });

  it('takes a quoted or excluded last word as a whole word', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Red kite', description: 'Flies' });
    const kitchen = await createProduct(category.id, { name: 'Red kitchen scale', description: 'Weighs' });
    const bag = await createProduct(category.id, { name: 'Red kit bag', description: 'Carries' });
    expect(ids(await search('q=%22red%20kit%22'))).toEqual([bag.id]);
    expect(ids(await search('q=red%20-kit')).sort()).toEqual([kite.id, kitchen.id].sort());
  });
});

describe('GET /api/v1/products?q=: typos', () => {
  it('corrects typos from the catalog\u2019s own words when the words as typed find nothing', async () => {
    const category = await createCategory();
    const headphones = await createProduct(category.id, {
      name: 'Aurora wireless headphones',
      description: 'Noise cancelling',
    });
    await createProduct(category.id, { name: 'Wireless speaker', description: 'Loud' });
    await createProduct(category.id, { name: 'Wired headphones', description: 'Cable' });

    expect(ids(await search('q=wireles%20hedphones'))).toEqual([headphones.id]);
    expect(ids(await search('q=aurora%20hedphones'))).toEqual([headphones.id]);
    expect(names(await search('q=hedphones')).sort()).toEqual(['Aurora wireless headphones', 'Wired headphones']);
  });

  it('keeps what the words as typed find, and corrects nothing in quoted or excluded words', async () => {
    const category = await createCategory();
    const odd = await createProduct(category.id, { name: 'Hedphones stand', description: 'A typo in the name' });
    await createProduct(category.id, { name: 'Studio headphones', description: 'Cable' });
    const speaker = await createProduct(category.id, { name: 'Wireless speaker', description: 'Loud' });
    expect(ids(await search('q=wireles%20speakr'))).toEqual([speaker.id]);
    // The typed word finds a product: that is the answer, not a corrected search.
    expect(ids(await search('q=hedphones'))).toEqual([odd.id]);
    expect(ids(await search('q=%22wireles%20speakr%22'))).toEqual([]);
    expect(ids(await search('q=speakr%20-cable'))).toEqual([]);
  });

  it('finds nothing for stop words alone or for words like nothing in the catalog', async () => {
    const category = await createCategory();
    await createProduct(category.id, { name: 'Teapot', description: 'Porcelain' });
    for (const q of ['the', 'xqzvwk', 'of%20and']) {
      expect((await search(`q=${q}`)).body).toEqual({
        items: [],
        total: 0,
        page: 1,
        page_size: 20,
        total_capped: false,
      });
    }
  });
});

describe('GET /api/v1/products?q=: more than 1,000 matches', () => {
  it('counts to 1,000, flags the total as a lower bound, and shows where the list ends', async () => {
    const category = await createCategory();
    await bulkProducts(category.id, 1210, { name: 'Lantern', description: 'A camping lantern' });

    const first = await search('q=lantern');
    expect(first.body).toMatchObject({ total: 1000, total_capped: true, page: 1, page_size: 20 });
    expect(first.body.items).toHaveLength(20);
    // The last page shows where the list ends: the total is exact again.
    const last = await search('q=lantern&page=13&page_size=100');
    expect(last.body).toMatchObject({ total: 1210, total_capped: false });
    expect(last.body.items).toHaveLength(10);
    // Past the end: no items, and a total that is exact or flagged as a lower bound.
    const beyond = await search('q=lantern&page=14&page_size=100');
    expect(beyond.body.items).toEqual([]);
    expect(beyond.body.total_capped ? beyond.body.total >= 1000 : beyond.body.total === 1210).toBe(true);
    // Under the cap the total is exact.
    await bulkProducts(category.id, 30, { name: 'Compass', description: 'A brass compass' });
    expect((await search('q=compass')).body).toMatchObject({ total: 30, total_capped: false });
  });

  it.each(['newest', 'price_asc', 'price_desc', 'name', 'rating', 'sales'])(
    'sort=%s orders every match as the sort says',
    async (sort) => {
      const category = await createCategory();
      await bulkProducts(category.id, 1500, { name: 'Lantern', description: 'A camping lantern', archiveEvery: 7 });
      await bulkProducts(category.id, 300, { name: 'Tent', description: 'A tent' });
      const order = {
        newest: 'created_at DESC, id DESC',
        price_asc: 'price ASC, id ASC',
        price_desc: 'price DESC, id DESC',
        name: 'name ASC, id ASC',
        rating: 'rating_avg DESC, id ASC',
        sales: 'sales_count DESC, id ASC',
      }[sort];
      const expected = async (offset: number) =>
        (
          await sequelize.query<{ id: number }>(
            `SELECT id FROM products WHERE NOT archived AND name LIKE 'Lantern %'
              ORDER BY ${order} LIMIT 20 OFFSET ${offset}`,
            { type: 'SELECT' as never },
          )
        ).map((row) => row.id);

      const first = await search(`q=lantern&sort=${sort}`);
      expect(first.body).toMatchObject({ total: 1000, total_capped: true });
      expect(ids(first)).toEqual(await expected(0));
      expect(ids(await search(`q=lantern&sort=${sort}&page=30`))).toEqual(await expected(580));
    },
    60_000,
  );

  it('ranks the best sellers among them by relevance, then lists the rest by sales, each match once', async () => {
    const category = await createCategory();
    await bulkProducts(category.id, 1100, { name: 'Camping gear', description: 'A camping lantern' });
    // Among the best sellers (sales up to 96 here), a name match outranks better-selling description matches.
    const named = await createProduct(category.id, { name: 'Lantern deluxe', description: 'Bright' });
    await sequelize.query('UPDATE products SET sales_count = 95 WHERE id = $1', { bind: [named.id] });

    const first = await search('q=lantern');
    expect(first.body.items[0].id).toBe(named.id);

    const seen: number[] = [];
    for (let page = 1; page <= 38; page += 1) seen.push(...ids(await search(`q=lantern&page=${page}&page_size=30`)));
    expect(seen).toHaveLength(1101);
    expect(new Set(seen).size).toBe(1101);
  }, 60_000);

  it('never shows archived products, in small or big result sets', async () => {
    const category = await createCategory();
    await bulkProducts(category.id, 1800, { name: 'Lantern', description: 'A camping lantern', archiveEvery: 3 });
    await bulkProducts(category.id, 40, { name: 'Compass', description: 'A brass compass', archiveEvery: 2 });
    const archived = async (res: request.Response) =>
      (
        await oneRow<{ n: number }>('SELECT count(*)::int AS n FROM products WHERE archived AND id = ANY($1)', [
          ids(res),
        ])
      ).n;
    for (const query of ['q=lantern', 'q=lantern&sort=price_asc', 'q=lantern&page=10', 'q=compass&sort=name']) {
      const res = await search(`${query}&page_size=100`);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(await archived(res)).toBe(0);
    }
    expect((await search('q=compass')).body.total).toBe(20);
  });

  it('finds words that cluster late in the sort order (a brand sorted by name)', async () => {
    const category = await createCategory();
    // 2,000 products named "Acme ..." come first by name; the 1,100 "Zephyr ..." ones all come after them.
    await bulkProducts(category.id, 2000, { name: 'Acme kettle', description: 'Steel' });
    await bulkProducts(category.id, 1100, { name: 'Zephyr kettle', description: 'Steel' });
    const expected = await sequelize.query<{ id: number }>(
      `SELECT id FROM products WHERE name LIKE 'Zephyr %' ORDER BY name, id LIMIT 20`,
      { type: 'SELECT' as never },
    );
    const res = await search('q=zephyr&sort=name');
    expect(ids(res)).toEqual(expected.map((row) => row.id));
    expect(res.body).toMatchObject({ total: 1100, total_capped: false });
  });
});
