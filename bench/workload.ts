/**
 * What shoppers and staff ask of the shop, as request makers drawn from the
 * benchmark database itself: many distinct keys (random pages, category ×
 * sort × price filters, deep pages), searches of common and rare words from
 * names and descriptions (one and two words, each sort, prefixes as typed,
 * typos), product pages, reviews, categories, a shopper's orders, and the
 * staff's product list, order lists and dashboard.
 */
import type pg from 'pg';

/** The catalog's sorts (each also with a search). */
export const SORTS = ['newest', 'price_asc', 'price_desc', 'name', 'rating', 'sales'] as const;

/** A seeded random source, so two runs ask the same questions. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the workload knows about the shop it runs against. */
export interface Shop {
  productIds: number[];
  categoryIds: number[];
  /** Per category, how many listed products it has (for deep pages). */
  categorySizes: Map<number, number>;
  /** Words in most products (from descriptions and names), and words in few. */
  commonWords: string[];
  rareWords: string[];
  /** Two-word phrases as shoppers type them ("wireless headphones"). */
  phrases: string[];
  /** Shoppers with orders: id and username (their password is the seeded one). */
  shoppers: { id: number; username: string }[];
  /** Products that have visible reviews. */
  reviewedProductIds: number[];
}

const STOP_WORDS = new Set(['from', 'with', 'this', 'that', 'and', 'for', 'the', 'our', 'are', 'for', 'into']);

/** Reads the shop's ids, vocabulary and shoppers from the benchmark database (a sample, never the whole catalog). */
export async function readShop(db: pg.Client): Promise<Shop> {
  const { rows: sample } = await db.query<{ id: number; name: string; description: string | null }>(
    `SELECT id, name, description FROM products TABLESAMPLE SYSTEM (least(100, 200000.0 / greatest(1,
       (SELECT reltuples FROM pg_class WHERE relname = 'products')))) WHERE NOT archived LIMIT 20000`,
  );
  const { rows: categories } = await db.query<{ id: number; n: number }>(
    `SELECT c.id, (SELECT count(*) FROM products p WHERE p.category_id = c.id AND NOT p.archived)::int AS n
       FROM categories c ORDER BY c.id`,
  );
  const documents = new Map<string, number>();
  const nameWords: string[][] = [];
  for (const row of sample) {
    const words = new Set(
      `${row.name} ${row.description ?? ''}`
        .toLowerCase()
        .split(/[^a-z]+/)
        .filter((word) => word.length >= 4 && !STOP_WORDS.has(word)),
    );
    for (const word of words) documents.set(word, (documents.get(word) ?? 0) + 1);
    nameWords.push(
      row.name
        .toLowerCase()
        .split(/[^a-z]+/)
        .filter((word) => word.length >= 3),
    );
  }
  const byFrequency = [...documents.entries()].sort((a, b) => b[1] - a[1]);
  const commonWords = byFrequency.slice(0, 25).map(([word]) => word);
  // Rare: in well under 1 % of products, but in some.
  const rareWords = byFrequency
    .filter(([, n]) => n >= 2 && n <= Math.max(2, sample.length / 500))
    .slice(0, 200)
    .map(([word]) => word);
  const phrases = nameWords
    .filter((words) => words.length >= 4)
    .slice(0, 400)
    .map((words) => `${words[1]} ${words[2]}`);
  const { rows: shoppers } = await db.query<{ id: number; username: string }>(
    `SELECT u.id, u.username FROM users u
      WHERE u.role = 'customer' AND EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)
      ORDER BY u.id LIMIT 40`,
  );
  const { rows: reviewed } = await db.query<{ product_id: number }>(
    // Reviews of products still listed: an archived product's reviews are a 404, as its page is.
    `SELECT DISTINCT r.product_id FROM reviews r JOIN products p ON p.id = r.product_id
      WHERE r.visible AND NOT p.archived LIMIT 500`,
  );
  return {
    productIds: sample.map((row) => row.id),
    categoryIds: categories.map((row) => row.id),
    categorySizes: new Map(categories.map((row) => [row.id, row.n])),
    commonWords: commonWords.length ? commonWords : ['organic'],
    rareWords: rareWords.length ? rareWords : commonWords.slice(-5),
    phrases: phrases.length ? phrases : ['organic tea'],
    shoppers,
    reviewedProductIds: reviewed.map((row) => row.product_id),
  };
}

/** A typo as shoppers make them: one letter dropped, doubled or swapped with its neighbour. */
function typo(word: string, random: () => number): string {
  if (word.length < 5) return word;
  const at = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 3);
  if (kind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 1) return word.slice(0, at) + word[at] + word.slice(at);
  return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}

/** One kind of catalog read: its name and a maker of distinct paths. */
export interface ReadKind {
  name: string;
  path: () => string;
}

/** The public catalog reads the bench times one by one (caches off). */
export function catalogReads(shop: Shop, seed = 7): ReadKind[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sort = () => pick(SORTS);
  const q = (text: string) => encodeURIComponent(text);
  const priceRange = () => {
    const low = Math.floor(random() * 200);
    return `min_price=${low}.00&max_price=${low + 5 + Math.floor(random() * 100)}.00`;
  };
  const deepPage = (categoryId: number) => {
    const pages = Math.floor((shop.categorySizes.get(categoryId) ?? 0) / 20);
    return Math.max(1, Math.min(500, pages));
  };
  return [
    { name: 'list_page', path: () => `/api/v1/products?page=${1 + Math.floor(random() * 5)}&sort=${sort()}` },
    {
      name: 'category_sorted',
      path: () =>
        `/api/v1/products?category_id=${pick(shop.categoryIds)}&sort=${sort()}&page=${1 + Math.floor(random() * 3)}`,
    },
    {
      name: 'category_price',
      path: () => `/api/v1/products?category_id=${pick(shop.categoryIds)}&${priceRange()}&sort=${sort()}`,
    },
    { name: 'in_stock_price', path: () => `/api/v1/products?in_stock=true&${priceRange()}&sort=${sort()}` },
    {
      name: 'deep_page',
      path: () => {
        const category = pick(shop.categoryIds);
        return `/api/v1/products?category_id=${category}&sort=${sort()}&page=${deepPage(category)}`;
      },
    },
    { name: 'search_common', path: () => `/api/v1/products?q=${q(pick(shop.commonWords))}` },
    {
      name: 'search_common_sorted',
      path: () => `/api/v1/products?q=${q(pick(shop.commonWords))}&sort=${sort()}&page=${1 + Math.floor(random() * 3)}`,
    },
    { name: 'search_two_words', path: () => `/api/v1/products?q=${q(pick(shop.phrases))}` },
    { name: 'search_rare', path: () => `/api/v1/products?q=${q(pick(shop.rareWords))}` },
    {
      name: 'search_prefix',
      path: () => {
        const word = pick(shop.commonWords);
        return `/api/v1/products?q=${q(word.slice(0, Math.max(3, word.length - 2)))}`;
      },
    },
    {
      name: 'search_typo',
      path: () =>
        `/api/v1/products?q=${q(
          pick(shop.phrases)
            .split(' ')
            .map((w) => typo(w, random))
            .join(' '),
        )}`,
    },
    { name: 'product', path: () => `/api/v1/products/${pick(shop.productIds)}` },
    {
      name: 'reviews',
      path: () =>
        `/api/v1/products/${pick(shop.reviewedProductIds.length ? shop.reviewedProductIds : shop.productIds)}/reviews`,
    },
    { name: 'categories', path: () => '/api/v1/categories' },
  ];
}

/** The mixed browsing of many shoppers at once: every public read above, in proportions like a shop's traffic. */
export function browsingMix(shop: Shop, seed = 11): () => string {
  const random = seededRandom(seed);
  const reads = catalogReads(shop, seed);
  const weight: Record<string, number> = {
    product: 30,
    category_sorted: 15,
    list_page: 10,
    search_common: 8,
    search_two_words: 6,
    search_prefix: 4,
    reviews: 6,
    categories: 6,
    category_price: 5,
    search_common_sorted: 3,
    search_rare: 2,
    search_typo: 2,
    in_stock_price: 2,
    deep_page: 1,
  };
  const table = reads.flatMap((read) => Array<ReadKind>(weight[read.name] ?? 1).fill(read));
  return () => table[Math.floor(random() * table.length)]!.path();
}

/** One staff screen: its name and a maker of its panel API paths. */
export function staffReads(shop: Shop, seed = 13): ReadKind[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const api = (path: string) => `/admin/api/resources/${path}`;
  const statuses = ['pending', 'paid', 'shipped', 'completed', 'cancelled'];
  return [
    { name: 'products_list', path: () => api(`products/actions/list?page=${1 + Math.floor(random() * 20)}`) },
    {
      name: 'products_name_search',
      path: () =>
        api(`products/actions/list?filters.name=${encodeURIComponent(pick(shop.commonWords.concat(shop.rareWords)))}`),
    },
    {
      name: 'orders_by_status',
      path: () => api(`orders/actions/list?filters.status=${pick(statuses)}&page=${1 + Math.floor(random() * 5)}`),
    },
    {
      name: 'orders_by_customer',
      path: () =>
        api(`orders/actions/list?filters.user_id=${pick(shop.shoppers.length ? shop.shoppers.map((s) => s.id) : [1])}`),
    },
    { name: 'dashboard', path: () => '/admin/api/dashboard' },
  ];
}
