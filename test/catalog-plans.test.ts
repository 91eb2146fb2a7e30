/**
 * The catalog's reads keep their cost when the catalog grows: on 36,000
 * products (with statistics, as autovacuum or the bulk loader leave them)
 * each statement behind a list page, a total, the category list and a search
 * is EXPLAINed, and the rows its plan reads are bounded by the page, never by
 * the catalog. PostgreSQL picks the same plans here as at 1M products; the
 * bounds below would be broken by a count, a rank or a sort of every match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sequelize } from '../src/db.js';
import { CATEGORY_LIST } from '../src/services/category-service.js';
import {
  type ProductOrder,
  type Statement,
  TOTAL_CAP,
  cappedCount,
  categoryCount,
  listPage,
} from '../src/services/product-queries.js';
import { type Runner, searchProducts } from '../src/services/product-search.js';
import { correctionsStatement } from '../src/services/search-words.js';
import { resetState } from './support/context.js';

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const count = (node: PlanNode, key: string) => Number(node[key] ?? 0);

/** What a plan read from products, and the most rows any of its sorts (or window aggregates) took in. */
interface Reads {
  /** Rows read from the table (scans of it, heap fetches of index-only scans), times loops. */
  rows: number;
  /** Entries read from its indexes by index-only and bitmap index scans, times loops. */
  entries: number;
  /** The largest input of a Sort or WindowAgg node. */
  sorted: number;
  /** Scan node types and index names, for the messages. */
  scans: string[];
  plan: string;
}

/** EXPLAIN (ANALYZE, BUFFERS) of `statement`, counted. */
async function readsOf(statement: Statement): Promise<Reads> {
  const [row] = await queryRows<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
    statement.values,
  );
  const nodes = nodesOf(row!['QUERY PLAN'][0]!.Plan);
  const reads: Reads = { rows: 0, entries: 0, sorted: 0, scans: [], plan: JSON.stringify(nodes[0]) };
  for (const node of nodes) {
    const loops = Math.max(1, count(node, 'Actual Loops'));
    const touched = count(node, 'Actual Rows') + count(node, 'Rows Removed by Filter');
    const index = typeof node['Index Name'] === 'string' ? node['Index Name'] : '';
    if (node['Relation Name'] === 'products' || index.startsWith('products_')) {
      reads.scans.push(`${String(node['Node Type'])} ${index}`.trim());
      if (node['Node Type'] === 'Index Only Scan') {
        reads.entries += touched * loops;
        reads.rows += count(node, 'Heap Fetches') * loops;
      } else if (node['Node Type'] === 'Bitmap Index Scan') {
        reads.entries += count(node, 'Actual Rows') * loops;
      } else {
        reads.rows += (touched + count(node, 'Rows Removed by Index Recheck')) * loops;
      }
    }
    if (node['Node Type'] === 'Sort' || node['Node Type'] === 'WindowAgg') {
      const input = (node.Plans ?? []).reduce((sum, child) => sum + count(child, 'Actual Rows'), 0);
      reads.sorted = Math.max(reads.sorted, input);
    }
  }
  return reads;
}

/** The reads of every statement a search runs (its EXPLAIN for an estimate reads nothing and is left out). */
async function searchReads(q: string, order: ProductOrder, filters = {}, page = { limit: 20, offset: 0 }) {
  const ran: Statement[] = [];
  const recording: Runner = (statement) => {
    ran.push(statement);
    return queryRows(statement.text, statement.values);
  };
  const result = await searchProducts(filters, q, order, page, recording);
  const all = await Promise.all(ran.filter((s) => !s.text.startsWith('EXPLAIN')).map(readsOf));
  const sum = (key: 'rows' | 'entries') => all.reduce((total, reads) => total + reads[key], 0);
  return {
    result,
    rows: sum('rows'),
    entries: sum('entries'),
    sorted: Math.max(0, ...all.map((reads) => reads.sorted)),
    plans: all.map((reads) => reads.plan).join('\n'),
  };
}

const SORTS = ['newest', 'price_asc', 'price_desc', 'name', 'rating', 'sales'] as const;
const PER_CATEGORY = 12_000;
let categories: number[] = [];

beforeAll(async () => {
  await resetState();
  await sequelize.query(
    `INSERT INTO categories (name, sort_order) VALUES ('Electronics', 10), ('Home & Kitchen', 20), ('Books', 30)`,
  );
  categories = (await queryRows<{ id: number }>('SELECT id FROM categories ORDER BY sort_order')).map((c) => c.id);
  // Shaped like scripts/seed-bulk.ts: "Brand Adjective Noun SERIAL", a common word in every description.
  // One statement, as a bulk load is; it takes longer than the app's statement timeout allows.
  await sequelize.transaction(async (transaction) => {
    await sequelize.query('SET LOCAL statement_timeout = 0', { transaction });
    await sequelize.query(
      `WITH words AS (SELECT
       ARRAY['Aurora','Northwind','Kestrel','Lumen','Voltix','Harbor','Maple','Solstice','Pioneer','Tidewater',
             'Cobalt','Juniper','Ridgeline','Atlas','Fable','Quill','Ember','Willow'] AS brands,
       ARRAY['Compact','Deluxe','Classic','Essential','Premium','Everyday','Ultra','Pro','Lightweight','Heritage',
             'Modern','Travel','Signature','Eco'] AS adjectives,
       ARRAY['Headphones','Speaker','Monitor','Keyboard','Mouse','Webcam','Charger','Router','Smartwatch','Tablet',
             'Skillet','Kettle','Blender','Toaster','Grinder','Whisk','Ladle','Teapot','Colander','Peeler',
             'Novel','Cookbook','Atlas','Biography','Journal','Sketchbook','Anthology','Almanac','Memoir','Primer']
         AS nouns,
       ARRAY['waterproof','organic','wireless','recycled','handmade','rechargeable','vegan','ergonomic',
             'breathable','bamboo','insulated','foldable','cordless','stainless'] AS features)
     INSERT INTO products (name, description, price, stock, category_id, sales_count, rating_avg, created_at)
     SELECT brand || ' ' || adjectives[1 + (n / 18) % 14] || ' ' || noun || ' ' || upper(to_hex(n * 2654435761 % 4294967296)),
            'A ' || features[1 + (n * 7) % 14] || ' ' || lower(noun) || ' from ' || brand
              || '. Features ' || features[1 + (n * 11) % 14] || ' materials, built to last.',
            1 + (n * 7919 % 49800) / 100.0, CASE WHEN n % 20 = 0 THEN 0 ELSE n % 500 END,
            ($1::int[])[1 + n % 3], n * 31 % 997, (n * 13 % 500) / 100.0, now() - (n * 17 % 365) * interval '1 day'
       FROM words, generate_series(1, $2) AS n,
            LATERAL (SELECT brands[1 + n % 18] AS brand, nouns[1 + (n % 3) * 10 + (n / 3) % 10] AS noun) w`,
      { bind: [categories, PER_CATEGORY * 3], transaction },
    );
  });
  // Statistics and the visibility map, as autovacuum (or seed:bulk) leaves a catalog.
  await sequelize.query('VACUUM ANALYZE products');
  await sequelize.query('ANALYZE categories, catalog_words');
}, 180_000);

afterAll(async () => {
  await resetState();
  await sequelize.close();
});

describe('product lists at 36,000 products', () => {
  it.each(SORTS)('page 500 of a category sorted by %s reads 10,000 index entries and 20 rows', async (sort) => {
    const reads = await readsOf(listPage({ category_id: categories[1] }, sort, { limit: 20, offset: 9980 }));
    expect(reads.entries, reads.plan).toBeLessThanOrEqual(10_000 + 20);
    expect(reads.rows, reads.plan).toBeLessThanOrEqual(20 + 20);
    expect(reads.sorted, reads.plan).toBeLessThanOrEqual(20);
    expect(reads.scans.join(), reads.plan).toMatch(/Index Only Scan products_category_/);
  });

  it.each([
    { min_price: '10', max_price: '50' },
    { in_stock: false },
    { in_stock: true, min_price: '100', max_price: '101' },
  ])('page 1 of a category filtered by %o reads about a page of rows, whatever the sort', async (filter) => {
    for (const sort of SORTS) {
      const reads = await readsOf(listPage({ category_id: categories[0], ...filter }, sort, { limit: 20, offset: 0 }));
      expect(reads.rows, `${sort}: ${reads.plan}`).toBeLessThanOrEqual(3 * 20);
      expect(reads.entries, `${sort}: ${reads.plan}`).toBeLessThanOrEqual(PER_CATEGORY);
    }
  });

  it("a list's total by category (or of the whole catalog) reads the category counts, no product", async () => {
    for (const filters of [{ category_id: categories[2] }, {}]) {
      const reads = await readsOf(categoryCount(filters));
      expect(reads.scans, reads.plan).toEqual([]);
    }
  });

  it("a filtered list's total counts at most 1,001 products, from an index", async () => {
    for (const filters of [
      { category_id: categories[0], in_stock: true },
      { category_id: categories[0], in_stock: false },
      { min_price: '10', max_price: '400' },
    ]) {
      const reads = await readsOf(cappedCount(filters));
      expect(reads.rows, reads.plan).toBeLessThanOrEqual(50);
      expect(reads.entries, reads.plan).toBeLessThanOrEqual(25 * (TOTAL_CAP + 1));
    }
  });

  it('GET /categories reads the categories alone', async () => {
    const reads = await readsOf({ text: CATEGORY_LIST, values: [] });
    expect(reads.scans, reads.plan).toEqual([]);
  });
});

describe('searches at 36,000 products', () => {
  // "features" is in every description: the case that ranked, counted and sorted every product.
  it.each([...SORTS, 'relevance'] as const)(
    'a word in every product, in order %s, reads about a thousand rows and sorts no more',
    async (order) => {
      const { result, rows, sorted, plans } = await searchReads('features', order);
      expect(result.items).toHaveLength(20);
      expect(rows, plans).toBeLessThanOrEqual(2 * (TOTAL_CAP + 1) + 400);
      expect(sorted, plans).toBeLessThanOrEqual(TOTAL_CAP + 1);
    },
  );

  it.each([...SORTS, 'relevance'] as const)(
    'a word in 1 product of 30, in order %s, reads a few thousand rows',
    async (order) => {
      const { result, rows, sorted, plans } = await searchReads('kettle', order);
      expect(result.items).toHaveLength(20);
      expect(rows, plans).toBeLessThanOrEqual(5_000);
      expect(sorted, plans).toBeLessThanOrEqual(5_000);
    },
  );

  it.each(['newest', 'price_asc', 'relevance'] as const)(
    'a word in one product (a serial), in order %s, reads a handful of rows through the full-text index',
    async (order) => {
      const [row] = await queryRows<{ serial: string }>(
        `SELECT split_part(name, ' ', 4) AS serial FROM products WHERE NOT archived ORDER BY id OFFSET 777 LIMIT 1`,
      );
      const { result, rows, plans } = await searchReads(row!.serial.toLowerCase(), order);
      expect(result.items.length).toBeGreaterThanOrEqual(1);
      expect(rows, plans).toBeLessThanOrEqual(10);
    },
  );

  it('a page 50 deep of a common word with a sort reads the rows up to it, not every match', async () => {
    const { result, rows, plans } = await searchReads('features', 'price_asc', {}, { limit: 20, offset: 980 });
    expect(result.items).toHaveLength(20);
    expect(rows, plans).toBeLessThanOrEqual(2 * (TOTAL_CAP + 1) + 1_000);
  });

  it('a typo is looked up in catalog_words through its trigram index, reading no product', async () => {
    // A shop's vocabulary: tens of thousands of words (here 40,000 made-up ones beside the catalog's).
    await sequelize.query(
      `INSERT INTO catalog_words (word)
       SELECT DISTINCT substr(translate(md5(n::text), '0123456789', 'ghijklmnop'), 1, 5 + n % 6)
         FROM generate_series(1, 40000) AS n
       ON CONFLICT DO NOTHING`,
    );
    await sequelize.query('ANALYZE catalog_words');
    const { text, values } = correctionsStatement(['wirel', 'hedphon'], false);
    const [row] = await queryRows<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
      values,
    );
    const nodes = nodesOf(row!['QUERY PLAN'][0]!.Plan);
    const plan = JSON.stringify(nodes[0]);
    expect(
      nodes.map((node) => node['Index Name']),
      plan,
    ).toContain('catalog_words_trgm_idx');
    expect(
      nodes.filter((node) => node['Node Type'] === 'Seq Scan'),
      plan,
    ).toEqual([]);
    expect(
      nodes.filter((node) => node['Relation Name'] === 'products'),
      plan,
    ).toEqual([]);
  });
});
