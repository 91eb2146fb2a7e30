/**
 * The SQL behind product lists and searches, built per request. Each
 * statement reads a bounded number of rows; which ones a search runs is
 * decided in product-search.ts from how many products match. The plan
 * tests (test/catalog-plans.test.ts) EXPLAIN exactly these statements.
 */
import type { ProductSort } from '../schemas/product.js';
import type { SearchMatch } from './search-words.js';

/** A statement with its bind values. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** The filters of a product list (already validated). */
export interface ListFilters {
  category_id?: number;
  min_price?: string;
  max_price?: string;
  in_stock?: boolean;
}

/** Which rows of the ordered list a page is. */
export interface PageWindow {
  limit: number;
  offset: number;
}

/** A list's order: one of the sorts, or (searches without `sort`) relevance. */
export type ProductOrder = ProductSort | 'relevance';

/**
 * Counting stops here: past it a page's `total` is a lower bound
 * (`total_capped`). The API docs (schemas/product.ts, the controller) say
 * 1,000: change them with it.
 */
export const TOTAL_CAP = 1000;

/** A product summary's columns, from `products p`. */
export const SUMMARY_COLUMNS = `p.id, p.name, p.price, p.stock, p.image_url, p.category_id, p.rating_avg::float8 AS rating_avg,
  p.review_count, p.sales_count, p.created_at`;
/** The same columns, from a subquery `p` that selected SUMMARY_COLUMNS. */
const SUMMARY_FIELDS = `p.id, p.name, p.price, p.stock, p.image_url, p.category_id, p.rating_avg,
  p.review_count, p.sales_count, p.created_at`;

// Each sort matches a partial index on products (WHERE NOT archived), catalog-wide and per category; ties broken by id.
const ORDER_BY: Record<ProductSort, string> = {
  newest: 'p.created_at DESC, p.id DESC',
  price_asc: 'p.price ASC, p.id ASC',
  price_desc: 'p.price DESC, p.id DESC',
  name: 'p.name ASC, p.id ASC',
  rating: 'p.rating_avg DESC, p.id ASC',
  sales: 'p.sales_count DESC, p.id ASC',
};

/** Collects bind values; `param` returns the placeholder of the value it adds. */
class Binds {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The tsquery of `match` as SQL: a bound constant, folded at planning so the estimates see the words. */
const tsquery = (binds: Binds, match: SearchMatch): string => `${binds.param(match.tsquery)}::tsquery`;

/** ORDER BY of `order`; relevance (name above description, words close together) needs the search's tsquery. */
const orderBy = (order: ProductOrder, tsq?: string): string =>
  order === 'relevance' ? `ts_rank_cd(p.search_vector, ${tsq}) DESC, ${ORDER_BY.sales}` : ORDER_BY[order];

/** WHERE conditions of a list (and of a search when `tsq` is given). */
function conditions(binds: Binds, filters: ListFilters, tsq?: string): string {
  const where = ['NOT p.archived'];
  if (filters.category_id !== undefined) where.push(`p.category_id = ${binds.param(filters.category_id)}`);
  if (filters.min_price !== undefined) where.push(`p.price >= ${binds.param(filters.min_price)}::numeric`);
  if (filters.max_price !== undefined) where.push(`p.price <= ${binds.param(filters.max_price)}::numeric`);
  if (filters.in_stock === true) where.push('p.stock > 0');
  if (filters.in_stock === false) where.push('p.stock = 0');
  if (tsq) where.push(`p.search_vector @@ ${tsq}`);
  return where.join(' AND ');
}

const window = ({ limit, offset }: PageWindow): string => `LIMIT ${limit} OFFSET ${offset}`;

/**
 * A page of a list without search. The page's ids come from the sort's
 * index alone (an index-only scan when the filters are in the index, as
 * category and price are), and only those rows are read: page 500 of a
 * category reads 10,000 index entries instead of 10,000 rows.
 */
export function listPage(filters: ListFilters, sort: ProductSort, page: PageWindow): Statement {
  const binds = new Binds();
  const text = `SELECT ${SUMMARY_COLUMNS} FROM products p
    JOIN (SELECT p.id FROM products p WHERE ${conditions(binds, filters)}
           ORDER BY ${ORDER_BY[sort]} ${window(page)}) page ON page.id = p.id
   ORDER BY ${ORDER_BY[sort]}`;
  return { text, values: binds.values };
}

/** True when a list's total is a category count (no filter but the category): exact, kept by triggers. */
export const countedByCategory = (filters: ListFilters): boolean =>
  filters.min_price === undefined && filters.max_price === undefined && filters.in_stock === undefined;

/**
 * How many listed products the list's category holds (all categories
 * without one): categories.product_count, kept by triggers.
 */
export function categoryCount(filters: ListFilters): Statement {
  const binds = new Binds();
  const only = filters.category_id === undefined ? '' : `WHERE id = ${binds.param(filters.category_id)}`;
  return { text: `SELECT coalesce(sum(product_count), 0)::int AS total FROM categories ${only}`, values: binds.values };
}

/**
 * How many products a list without search holds (`total`) when it is
 * filtered by more than its category: counted up to TOTAL_CAP + 1, from the
 * sort indexes (they carry price and stock).
 */
export function cappedCount(filters: ListFilters): Statement {
  const binds = new Binds();
  const text = `SELECT count(*)::int AS total FROM (
      SELECT 1 FROM products p WHERE ${conditions(binds, filters)} LIMIT ${TOTAL_CAP + 1}) counted`;
  return { text, values: binds.values };
}

/** PostgreSQL's estimate of how many products a search matches (its planner's statistics; no rows are read). */
export function matchEstimate(filters: ListFilters, match: SearchMatch): Statement {
  const binds = new Binds();
  const text = `EXPLAIN (FORMAT JSON) SELECT 1 FROM products p WHERE ${conditions(binds, filters, tsquery(binds, match))}`;
  return { text, values: binds.values };
}

/** The columns (besides id) each order sorts by. */
const SORT_COLUMNS: Record<ProductOrder, string> = {
  newest: 'p.created_at',
  price_asc: 'p.price',
  price_desc: 'p.price',
  name: 'p.name',
  rating: 'p.rating_avg',
  sales: 'p.sales_count',
  relevance: 'p.search_vector, p.sales_count',
};

/**
 * A page of a search read from all its matches: the full-text index finds
 * them, their ids and sort keys are sorted in memory, and only the page's
 * rows are read in full. Every row also carries `matched`, how many there
 * are. A fence (MATERIALIZED) keeps the planner from trading the index for a
 * walk down a sort index, which a LIMIT makes look cheap for words it
 * wrongly believes common. With `cap`, at most cap + 1 matches are read,
 * in no order (any cap + 1 of them say "more than cap"; when there are
 * fewer, they are all of them): the planner then stops a sequential scan
 * early for common words, and takes the full-text index for the others.
 * Read in id order instead, two words that are common alone and rare
 * together (`travel board`, 1 product in 120 at 1M) walked 120,000 rows of
 * the primary key to find 1,001: 100-150 ms, against 15-30 ms in no order
 * (EXPLAIN ANALYZE at 1M products). `matched` > cap says there were more,
 * and the page is then not the real one. Always returns a row (page columns
 * null past the end), so `matched` is known.
 */
export function allMatchesPage(
  filters: ListFilters,
  match: SearchMatch,
  order: ProductOrder,
  page: PageWindow,
  cap?: number,
): Statement {
  const binds = new Binds();
  const tsq = tsquery(binds, match);
  const text = `WITH matches AS MATERIALIZED (
      SELECT p.id, ${SORT_COLUMNS[order]} FROM products p WHERE ${conditions(binds, filters, tsq)}
      ${cap === undefined ? '' : `LIMIT ${cap + 1}`})
    SELECT counted.matched, page.* FROM (SELECT count(*)::int AS matched FROM matches) counted
      LEFT JOIN LATERAL (
        SELECT ${SUMMARY_COLUMNS} FROM products p
          JOIN (SELECT p.id FROM matches p ORDER BY ${orderBy(order, tsq)} ${window(page)}) top ON top.id = p.id
         ORDER BY ${orderBy(order, tsq)}) page ON true`;
  return { text, values: binds.values };
}

/**
 * A page of a search read down the sort's index: rows are taken in order
 * and checked against the words until the page is full, reading at most
 * `budget` rows (fewer rows than the page asked for means the budget ran
 * out, or the matches did). For common words, whose matches are dense in
 * any order.
 */
export function sortIndexPage(
  filters: ListFilters,
  match: SearchMatch,
  sort: ProductSort,
  page: PageWindow,
  budget: number,
): Statement {
  const binds = new Binds();
  const text = `SELECT ${SUMMARY_FIELDS} FROM (
      SELECT ${SUMMARY_COLUMNS}, p.search_vector FROM products p WHERE ${conditions(binds, filters)}
       ORDER BY ${ORDER_BY[sort]} LIMIT ${budget}) p
     WHERE p.search_vector @@ ${tsquery(binds, match)}
     ORDER BY ${ORDER_BY[sort]} ${window(page)}`;
  return { text, values: binds.values };
}

/**
 * A relevance page of a search with many matches: the `candidates` best
 * sellers among them (read down the sales index, at most `budget` rows) are
 * ranked, and the page is cut from that ranking. Fewer candidates than asked
 * means the budget ran out (or the matches did).
 */
export function rankedPage(
  filters: ListFilters,
  match: SearchMatch,
  candidates: number,
  page: PageWindow,
  budget: number,
): Statement {
  const binds = new Binds();
  const tsq = tsquery(binds, match);
  const text = `SELECT count(*) OVER ()::int AS candidates, ${SUMMARY_FIELDS} FROM (
      SELECT p.* FROM (
        SELECT ${SUMMARY_COLUMNS}, p.search_vector FROM products p WHERE ${conditions(binds, filters)}
         ORDER BY ${ORDER_BY.sales} LIMIT ${budget}) p
       WHERE p.search_vector @@ ${tsq} ORDER BY ${ORDER_BY.sales} LIMIT ${candidates}) p
     ORDER BY ${orderBy('relevance', tsq)} ${window(page)}`;
  return { text, values: binds.values };
}
