/** Reading the catalog: product lists with filters, sorts and search, details, best sellers, reviews. */
import { createHash } from 'node:crypto';
import { config } from '../config.js';
import { prepared, queryRows } from '../db.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { toCents } from '../lib/money.js';
import { type CachedJson, getOrLoadJson } from '../cache.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../schemas/common.js';
import type { ProductDetail, ProductSort, ProductSummary, ReviewOut } from '../schemas/product.js';
import {
  HOT_PRODUCTS_PREFIX,
  PRODUCT_DETAILS_PREFIX,
  PRODUCT_LISTS_PREFIX,
  productKey,
  reviewsPrefix,
} from './catalog-cache.js';

/** Filters, sort and page of a product list (already validated by the schema). */
export interface ProductQuery {
  page?: number;
  page_size?: number;
  category_id?: number;
  q?: string;
  min_price?: string;
  max_price?: string;
  in_stock?: boolean;
  sort?: ProductSort;
}

const SUMMARY_COLUMNS = `p.id, p.name, p.price, p.stock, p.image_url, p.category_id, p.rating_avg::float8 AS rating_avg,
  p.review_count, p.sales_count, p.created_at`;

// Each sort matches one of the partial indexes on products (WHERE NOT archived), ties broken by id.
const ORDER_BY: Record<ProductSort, string> = {
  newest: 'p.created_at DESC, p.id DESC',
  price_asc: 'p.price ASC, p.id ASC',
  price_desc: 'p.price DESC, p.id DESC',
  name: 'p.name ASC, p.id ASC',
  rating: 'p.rating_avg DESC, p.id ASC',
  sales: 'p.sales_count DESC, p.id ASC',
};

/** WHERE clause and bind values of a list query. */
function listFilter(query: ProductQuery): { where: string; bind: unknown[] } {
  const conditions = ['NOT p.archived'];
  const bind: unknown[] = [];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  if (query.category_id !== undefined) conditions.push(`p.category_id = ${param(query.category_id)}`);
  if (query.min_price !== undefined) conditions.push(`p.price >= ${param(query.min_price)}::numeric`);
  if (query.max_price !== undefined) conditions.push(`p.price <= ${param(query.max_price)}::numeric`);
  if (query.in_stock === true) conditions.push('p.stock > 0');
  if (query.in_stock === false) conditions.push('p.stock = 0');
  if (query.q) conditions.push(`p.search_vector @@ websearch_to_tsquery('english', ${param(query.q)})`);
  return { where: conditions.join(' AND '), bind };
}

async function loadProductPage(query: Required<Pick<ProductQuery, 'page' | 'page_size'>> & ProductQuery) {
  const { where, bind } = listFilter(query);
  const searching = Boolean(query.q);
  // With a search and no explicit sort, best matches first (name outweighs description).
  const orderBy =
    query.sort === undefined && searching
      ? `ts_rank_cd(p.search_vector, websearch_to_tsquery('english', $${bind.indexOf(query.q) + 1})) DESC, p.id DESC`
      : ORDER_BY[query.sort ?? 'newest'];
  const page = `ORDER BY ${orderBy} LIMIT ${query.page_size} OFFSET ${(query.page - 1) * query.page_size}`;
  const count = () =>
    queryRows<{ total: number }>(`SELECT count(*)::int AS total FROM products p WHERE ${where}`, bind).then(
      (rows) => rows[0]?.total ?? 0,
    );

  if (searching) {
    // A search reads every match anyway (to rank them): count them in the same pass.
    const rows = await queryRows<ProductSummary & { total: number }>(
      `SELECT ${SUMMARY_COLUMNS}, count(*) OVER ()::int AS total FROM products p WHERE ${where} ${page}`,
      bind,
    );
    const total = rows[0]?.total ?? (query.page > 1 ? await count() : 0);
    const items = rows.map(({ total: _total, ...item }) => item);
    return { items, total, page: query.page, page_size: query.page_size };
  }
  // Without a search the page is an early-stopping index scan; the count is a second query.
  const [items, total] = await Promise.all([
    queryRows<ProductSummary>(`SELECT ${SUMMARY_COLUMNS} FROM products p WHERE ${where} ${page}`, bind),
    count(),
  ]);
  return { items, total, page: query.page, page_size: query.page_size };
}

/**
 * One page of listed (not archived) products, filtered, sorted and searched,
 * as JSON text. Served from a short-lived Redis cache keyed by the
 * normalised query.
 */
export async function listProducts(query: ProductQuery): Promise<CachedJson<Page<ProductSummary>>> {
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
      const [row] = await queryRows<ProductDetail & { category_name: string }>(PRODUCT_DETAIL, [productId]);
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
