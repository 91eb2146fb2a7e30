/** Reading the catalog: product lists with filters, sorts and search, details, best sellers, reviews. */
import { createHash } from 'node:crypto';
import { config } from '../config.js';
import { prepared, queryRows } from '../db.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { toCents } from '../lib/money.js';
import { type CachedJson, getOrLoadJson } from '../cache.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../schemas/common.js';
import type { ProductDetail, ProductPage, ProductSort, ProductSummary, ReviewOut } from '../schemas/product.js';
import {
  HOT_PRODUCTS_PREFIX,
  PRODUCT_DETAILS_PREFIX,
  PRODUCT_LISTS_PREFIX,
  productKey,
  reviewsPrefix,
} from './catalog-cache.js';
import {
  type ListFilters,
  type Statement,
  SUMMARY_COLUMNS,
  TOTAL_CAP,
  cappedCount,
  categoryCount,
  countedByCategory,
  listPage,
} from './product-queries.js';
import { type Runner, searchProducts } from './product-search.js';

/** Filters, sort and page of a product list (already validated by the schema). */
export interface ProductQuery extends ListFilters {
  page?: number;
  page_size?: number;
  q?: string;
  sort?: ProductSort;
}

type NormalisedQuery = Required<Pick<ProductQuery, 'page' | 'page_size'>> & ProductQuery;

// The catalog may be a moment stale: its reads go to a read replica when there is one (src/db.ts).
const STALE_OK = { mayBeStale: true } as const;
const fromReplica: Runner = <T>({ text, values }: Statement) => queryRows<T>(text, values, STALE_OK);
const rows = (statement: Statement) => fromReplica<ProductSummary>(statement);
const total = async (statement: Statement) => (await fromReplica<{ total: number }>(statement))[0]!.total;

/**
 * The page's total: exact when it was counted to the end (or kept per
 * category); a lower bound, flagged, when counting stopped after TOTAL_CAP
 * and this page does not show where the list ends.
 */
function pageOf(items: ProductSummary[], counted: number, query: NormalisedQuery, exact: boolean): ProductPage {
  const shape = (total: number, total_capped: boolean): ProductPage => ({
    items,
    total,
    page: query.page,
    page_size: query.page_size,
    total_capped,
  });
  if (exact || counted <= TOTAL_CAP) return shape(counted, false);
  const seen = (query.page - 1) * query.page_size + items.length;
  if (items.length > 0 && items.length < query.page_size) return shape(seen, false);
  return shape(Math.max(TOTAL_CAP, seen), true);
}

async function loadProductPage(query: NormalisedQuery): Promise<ProductPage> {
  const { category_id, min_price, max_price, in_stock } = query;
  const filters: ListFilters = { category_id, min_price, max_price, in_stock };
  const window = { limit: query.page_size, offset: (query.page - 1) * query.page_size };
  if (query.q) {
    const found = await searchProducts(filters, query.q, query.sort ?? 'relevance', window, fromReplica);
    return pageOf(found.items, found.matched, query, found.exact);
  }
  const exact = countedByCategory(filters);
  const [items, counted] = await Promise.all([
    rows(listPage(filters, query.sort ?? 'newest', window)),
    total(exact ? categoryCount(filters) : cappedCount(filters)),
  ]);
  return pageOf(items, counted, query, exact);
}

/**
 * One page of listed (not archived) products, filtered, sorted and searched,
 * as JSON text. Served from a short-lived Redis cache keyed by the
 * normalised query.
 */
export async function listProducts(query: ProductQuery): Promise<CachedJson<ProductPage>> {
  if (
    query.min_price !== undefined &&
    query.max_price !== undefined &&
    toCents(query.min_price) > toCents(query.max_price)
  ) {
    throw new ValidationError([{ field: 'min_price', message: 'must not be greater than max_price' }]);
  }
  const normalised = {
    ...query,
    q: query.q?.trim() || undefined,
    page: query.page ?? 1,
    page_size: query.page_size ?? DEFAULT_PAGE_SIZE,
  };
  const fingerprint = createHash('sha1')
    .update(
      JSON.stringify(
        Object.entries(normalised)
          .filter(([, v]) => v !== undefined)
          .sort(),
      ),
    )
    .digest('base64url');
  const json = await getOrLoadJson(
    `${PRODUCT_LISTS_PREFIX}${fingerprint}`,
    { name: 'product-list', ttlSeconds: config.cache.listTtlSeconds, generation: PRODUCT_LISTS_PREFIX },
    () => loadProductPage(normalised),
  );
  return json!;
}

/** The one query behind a product page ($1 = product id), prepared; exported so benchmarks can run exactly it. */
export const PRODUCT_DETAIL = prepared(
  'product_detail',
  `SELECT ${SUMMARY_COLUMNS}, p.description, p.updated_at, c.name AS category_name
  FROM products p JOIN categories c ON c.id = p.category_id
 WHERE p.id = $1 AND NOT p.archived`,
);

/** A listed product with its category and rating, as JSON text; 404 when unknown or archived. */
export async function getProduct(productId: number): Promise<CachedJson<ProductDetail>> {
  const product = await getOrLoadJson<ProductDetail>(
    productKey(productId),
    { name: 'product', generation: PRODUCT_DETAILS_PREFIX },
    async () => {
      const [row] = await queryRows<ProductDetail & { category_name: string }>(PRODUCT_DETAIL, [productId], STALE_OK);
      // Not found is not cached: a product created later must show at once.
      if (!row) return undefined;
      const { category_name, ...detail } = row;
      return { ...detail, category: { id: row.category_id, name: category_name } };
    },
  );
  if (!product) throw new NotFoundError(`Product ${productId} does not exist.`);
  return product;
}

/** Best sellers: the most units sold on paid, shipped and completed orders, as JSON text. */
export async function hotProducts(limit: number): Promise<CachedJson<ProductSummary[]>> {
  const json = await getOrLoadJson(
    `${HOT_PRODUCTS_PREFIX}${limit}`,
    { name: 'hot-products', ttlSeconds: config.cache.listTtlSeconds, generation: HOT_PRODUCTS_PREFIX },
    () =>
      queryRows<ProductSummary>(
        `SELECT ${SUMMARY_COLUMNS} FROM products p WHERE NOT p.archived AND p.sales_count > 0
        ORDER BY p.sales_count DESC, p.id ASC LIMIT $1`,
        [limit],
        STALE_OK,
      ),
  );
  return json!;
}

/** 404 unless the product exists and is listed. */
export async function assertListed(productId: number): Promise<void> {
  const [row] = await queryRows('SELECT 1 FROM products WHERE id = $1 AND NOT archived', [productId]);
  if (!row) throw new NotFoundError(`Product ${productId} does not exist.`);
}

/** One page of a listed product's visible reviews, newest first, with the reviewer's username, as JSON text. */
export async function listProductReviews(
  productId: number,
  page = 1,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<CachedJson<Page<ReviewOut>>> {
  await assertListed(productId);
  const prefix = reviewsPrefix(productId);
  const json = await getOrLoadJson(
    `${prefix}${page}:${pageSize}`,
    { name: 'reviews', generation: prefix },
    async () => {
      const [items, [{ total }]] = await Promise.all([
        queryRows<ReviewOut>(
          `SELECT r.id, r.product_id, r.rating, r.content, r.images, u.username, r.created_at
           FROM reviews r JOIN users u ON u.id = r.user_id
          WHERE r.product_id = $1 AND r.visible
          ORDER BY r.created_at DESC, r.id DESC
          LIMIT $2 OFFSET $3`,
          [productId, pageSize, (page - 1) * pageSize],
        ),
        queryRows<{ total: number }>('SELECT count(*)::int AS total FROM reviews WHERE product_id = $1 AND visible', [
          productId,
        ]) as Promise<[{ total: number }]>,
      ]);
      return { items, total, page, page_size: pageSize };
    },
  );
  // Not served by hot responses (no `entry`): the answer also depends on the product being listed,
  // which is checked above on every request.
  return { json: json!.json };
}
