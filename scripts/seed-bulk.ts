/**
 * Loads a large synthetic catalog for benchmarks and search tests:
 *
 *   npm run seed:bulk -- --products 100000 [--batch 5000] [--seed 42]
 *
 * Products are generated deterministically (seeded PRNG) from per-category
 * vocabularies and written with batched multi-row INSERTs (unnest of typed
 * arrays: one round trip per batch). Uses the demo categories, creating them
 * if the database has none. Prints progress and the rate at the end.
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../src/db.js';

interface CatalogData {
  categories: { name: string; description: string; sort_order: number }[];
}
const { categories: demoCategories } = createRequire(import.meta.url)('../seeders/data/catalog.cjs') as CatalogData;

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '42' },
  },
});
const total = Number(values.products);
const batchSize = Number(values.batch);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error('usage: npm run seed:bulk -- --products <positive integer> [--batch <positive integer>]');
  process.exit(2);
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(Number(values.seed));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const BRANDS = [
  'Aurora',
  'Northwind',
  'Kestrel',
  'Lumen',
  'Voltix',
  'Harbor',
  'Maple & Co',
  'Solstice',
  'Pioneer',
  'Tidewater',
  'Cobalt',
  'Juniper',
  'Ridgeline',
  'Atlas',
  'Fable',
  'Quill',
  'Ember',
  'Willow',
];
const ADJECTIVES = [
  'Compact',
  'Deluxe',
  'Classic',
  'Essential',
  'Premium',
  'Everyday',
  'Ultra',
  'Pro',
  'Lightweight',
  'Heritage',
  'Modern',
  'Travel',
  'Signature',
  'Eco',
];
const NOUNS: Record<string, string[]> = {
  default: ['Organizer', 'Set', 'Kit', 'Bundle', 'Collection'],
  0: [
    'Headphones',
    'Speaker',
    'Power Bank',
    'Monitor',
    'Keyboard',
    'Mouse',
    'Webcam',
    'Charger',
    'Smartwatch',
    'Router',
  ],
  1: [
    'Skillet',
    'Kettle',
    'Knife Set',
    'Blender',
    'Cutting Board',
    'Dutch Oven',
    'Coffee Grinder',
    'Mixing Bowls',
    'Toaster',
  ],
  2: ['Novel', 'Cookbook', 'Field Guide', 'Atlas', 'Poetry Anthology', 'Biography', 'Travel Journal', 'Sketchbook'],
  3: ['Rain Jacket', 'Wool Sweater', 'Chinos', 'Sneakers', 'Leather Belt', 'Scarf', 'Backpack', 'Sunglasses', 'Beanie'],
  4: ['Tent', 'Yoga Mat', 'Water Bottle', 'Trekking Poles', 'Sleeping Bag', 'Bike Light', 'Dumbbells', 'Headlamp'],
  5: ['Face Serum', 'Shampoo', 'Hand Cream', 'Beard Oil', 'Sunscreen', 'Lip Balm', 'Body Wash', 'Hair Dryer'],
  6: ['Puzzle', 'Board Game', 'Building Blocks', 'Plush Bear', 'Kite', 'Card Game', 'Train Set', 'Science Kit'],
  7: ['Olive Oil', 'Green Tea', 'Coffee Beans', 'Dark Chocolate', 'Honey', 'Pasta', 'Spice Blend', 'Granola'],
};
const FEATURES = [
  'waterproof',
  'organic',
  'stainless steel',
  'wireless',
  'hardcover',
  'recycled',
  'handmade',
  'rechargeable',
  'dishwasher-safe',
  'vegan',
  'ergonomic',
  'breathable',
  'cast iron',
  'bamboo',
  'fair-trade',
  'insulated',
  'foldable',
  'cordless',
];
const BENEFITS = [
  'built to last for years',
  'easy to clean',
  'ideal for gifts',
  'designed for daily use',
  'tested by our team',
  'great for travel',
  'backed by a two-year warranty',
  'made in small batches',
];

function product(categoryIndex: number, serial: number) {
  const nouns = NOUNS[String(categoryIndex % 8)] ?? NOUNS.default!;
  const brand = pick(BRANDS);
  const noun = pick(nouns);
  const name = `${brand} ${pick(ADJECTIVES)} ${noun} ${serial.toString(36).toUpperCase()}`;
  const [a, b] = [pick(FEATURES), pick(FEATURES)];
  const description = `A ${a} ${noun.toLowerCase()} from ${brand}, ${pick(BENEFITS)}. Features ${b} materials and is ${pick(BENEFITS)}.`;
  const cents = 199 + Math.floor(random() ** 2 * 49_800);
  const stock = random() < 0.05 ? 0 : Math.floor(random() * 500);
  return { name, description, price: (cents / 100).toFixed(2), stock };
}

async function categoryIds(): Promise<number[]> {
  const existing = await sequelize.query<{ id: number }>('SELECT id FROM categories ORDER BY sort_order, id', {
    type: QueryTypes.SELECT,
  });
  if (existing.length > 0) return existing.map((row) => row.id);
  for (const category of demoCategories) {
    await sequelize.query('INSERT INTO categories (name, description, sort_order) VALUES ($1, $2, $3)', {
      bind: [category.name, category.description, category.sort_order],
    });
  }
  return categoryIds();
}

async function main(): Promise<void> {
  const ids = await categoryIds();
  const [{ start }] = (await sequelize.query<{ start: number }>(
    'SELECT coalesce(max(id), 0) + 1 AS start FROM products',
    {
      type: QueryTypes.SELECT,
    },
  )) as [{ start: number }];
  const began = performance.now();
  const now = Date.now();
  for (let done = 0; done < total;) {
    const size = Math.min(batchSize, total - done);
    const columns = {
      name: [] as string[],
      description: [] as string[],
      price: [] as string[],
      stock: [] as number[],
      category: [] as number[],
      image: [] as string[],
      created: [] as string[],
    };
    for (let i = 0; i < size; i += 1) {
      const serial = start + done + i;
      const categoryIndex = Math.floor(random() * ids.length);
      const p = product(categoryIndex, serial);
      columns.name.push(p.name);
      columns.description.push(p.description);
      columns.price.push(p.price);
      columns.stock.push(p.stock);
      columns.category.push(ids[categoryIndex]!);
      columns.image.push(`https://picsum.photos/seed/bulk-${serial}/600/600`);
      columns.created.push(new Date(now - Math.floor(random() * 365 * 86_400_000)).toISOString());
    }
    await sequelize.query(
      `INSERT INTO products (name, description, price, stock, category_id, image_url, created_at, updated_at)
       SELECT n, d, p, s, c, i, t, t
       FROM unnest($1::text[], $2::text[], $3::numeric[], $4::int[], $5::int[], $6::text[], $7::timestamptz[])
         AS batch(n, d, p, s, c, i, t)`,
      {
        bind: [
          columns.name,
          columns.description,
          columns.price,
          columns.stock,
          columns.category,
          columns.image,
          columns.created,
        ],
      },
    );
    done += size;
    const seconds = (performance.now() - began) / 1000;
    const line = `inserted ${done}/${total} products (${Math.round(done / seconds)} rows/s)`;
    // Redraw one line on a terminal; print every ~10% in logs.
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    else if (done === total || Math.floor((done / total) * 10) !== Math.floor(((done - size) / total) * 10))
      console.log(line);
  }
  // Fresh statistics (and a clean index) so the planner sees the real catalog at once.
  await sequelize.query('VACUUM (ANALYZE) products');
  const seconds = (performance.now() - began) / 1000;
  process.stdout.write(`${process.stdout.isTTY ? '\n' : ''}done: ${total} products in ${seconds.toFixed(1)} s\n`);
  await sequelize.close();
}

main().catch(async (error: unknown) => {
  console.error(`seed:bulk failed: ${(error as Error).message}`);
  await sequelize.close();
  process.exit(1);
});
