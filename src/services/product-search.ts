/**
 * Running a search: which of the statements in product-queries.ts reads a
 * page for the fewest rows, given how many products match. The words
 * themselves are read in search-words.ts.
 */
import { queryRows } from '../db.js';
import type { ProductSummary } from '../schemas/product.js';
import {
  type ListFilters,
  type PageWindow,
  type ProductOrder,
  type Statement,
  TOTAL_CAP,
  allMatchesPage,
  categoryCount,
  matchEstimate,
  rankedPage,
  sortIndexPage,
} from './product-queries.js';
import { type SearchMatch, correctedMatch, typedMatch } from './search-words.js';

/** What a search found: a page, and how many products match (`exact`, or a count stopped at TOTAL_CAP + 1). */
export interface SearchResult {
  items: ProductSummary[];
  matched: number;
  exact: boolean;
}

/**
 * A walk down the sort index may read this many times the rows it is
 * expected to (page end × listed products / matches) before it stops and
 * all matches are read instead. It runs out when the words are not spread
 * through that order as the estimate assumes: a brand is the first word of
 * its names, so sorted by name its products come in one block, maybe late
 * (at 1M products such a search reads all its 55,000 matches).
 */
const WALK_SLACK = 4;
/** The least a walk may read. */
const MIN_WALK = 1000;
/** Relevance ranks this many best sellers among the matches of a big search. */
export const RANKED_CANDIDATES = 50;

/** Runs one statement and returns its rows. searchProducts takes another for the plan tests, which record them. */
export type Runner = <T>(statement: Statement) => Promise<T[]>;
const runStatement: Runner = <T>({ text, values }: Statement) => queryRows<T>(text, values);

/** A page read from all of a search's matches (at most cap + 1 of them). */
async function readAll(
  run: Runner,
  filters: ListFilters,
  match: SearchMatch,
  order: ProductOrder,
  page: PageWindow,
  cap?: number,
): Promise<SearchResult> {
  const rows = await run<ProductSummary & { matched: number }>(allMatchesPage(filters, match, order, page, cap));
  const matched = rows[0]?.matched ?? 0;
  const items = rows.filter((row) => row.id !== null).map(({ matched: _matched, ...item }) => item);
  return { items, matched, exact: cap === undefined || matched <= cap };
}

/** A page read down the sort index, or undefined when the walk's budget ran out first. */
async function walk(
  run: Runner,
  filters: ListFilters,
  match: SearchMatch,
  order: ProductOrder,
  page: PageWindow,
  budget: number,
): Promise<ProductSummary[] | undefined> {
  if (order !== 'relevance') {
    const items = await run<ProductSummary>(sortIndexPage(filters, match, order, page, budget));
    return items.length === page.limit ? items : undefined;
  }
  // Relevance: the ranked best sellers first, then the other matches in best-seller order.
  const end = page.offset + page.limit;
  const items: ProductSummary[] = [];
  if (page.offset < RANKED_CANDIDATES) {
    const ranked = { limit: Math.min(end, RANKED_CANDIDATES) - page.offset, offset: page.offset };
    const rows = await run<ProductSummary & { candidates: number }>(
      rankedPage(filters, match, RANKED_CANDIDATES, ranked, budget),
    );
    if (rows[0]?.candidates !== RANKED_CANDIDATES) return undefined;
    items.push(...rows.map(({ candidates: _candidates, ...item }) => item));
  }
  if (end > RANKED_CANDIDATES) {
    const rest = {
      limit: end - Math.max(page.offset, RANKED_CANDIDATES),
      offset: Math.max(page.offset, RANKED_CANDIDATES),
    };
    const rows = await run<ProductSummary>(sortIndexPage(filters, match, 'sales', rest, budget));
    if (rows.length < rest.limit) return undefined;
    items.push(...rows);
  }
  return items;
}

/**
 * One page of a search, and how many products match. Every step reads a
 * bounded number of rows, whatever the catalog's size:
 *
 * 1. Read up to TOTAL_CAP + 1 matches (full-text index, or the table's
 *    first rows when the words are common). None: correct typos, read
 *    again. At most TOTAL_CAP: they are all the matches; sort them, done.
 * 2. More: ask PostgreSQL's statistics how many. Reading all matches costs a
 *    row each; walking down the sort index costs (rows up to the page's end)
 *    × (listed products / matches). The cheaper runs: all matches when
 *    fewer than √(page end × listed products) are expected (read with that
 *    cap), else the walk, with a budget of WALK_SLACK times its expected
 *    rows. A walk that runs out (the words cluster somewhere in that order)
 *    reads all matches instead.
 *
 * At 1M products a first page (20 rows) reads at most about 5,000 rows
 * whatever the words, except where the matches cluster in the sort order
 * (see WALK_SLACK).
 */
export async function searchProducts(
  filters: ListFilters,
  q: string,
  order: ProductOrder,
  page: PageWindow,
  run: Runner = runStatement,
): Promise<SearchResult> {
  const typed = await typedMatch(q);
  if (!typed) return { items: [], matched: 0, exact: true };
  let match: SearchMatch = typed;
  let first = await readAll(run, filters, match, order, page, TOTAL_CAP);
  if (first.matched === 0) {
    const corrected = await correctedMatch(q, typed);
    if (corrected) [match, first] = [corrected, await readAll(run, filters, corrected, order, page, TOTAL_CAP)];
  }
  if (first.exact) return first;

  const [estimated, [{ total: listed }]] = await Promise.all([
    estimate(run, filters, match),
    run<{ total: number }>(categoryCount(filters)) as Promise<[{ total: number }]>,
  ]);
  // More than TOTAL_CAP match, whatever the estimate says.
  const matches = Math.max(estimated, TOTAL_CAP + 1);
  const reach = Math.max(page.offset + page.limit, order === 'relevance' ? RANKED_CANDIDATES : 0);
  const balance = Math.ceil(Math.sqrt(reach * listed));
  if (matches <= balance) {
    const all = await readAll(run, filters, match, order, page, balance);
    if (all.exact) return all;
  }
  const budget = Math.max(MIN_WALK, Math.ceil((WALK_SLACK * reach * listed) / matches));
  const items = await walk(run, filters, match, order, page, budget);
  if (items) return { items, matched: TOTAL_CAP + 1, exact: false };
  return readAll(run, filters, match, order, page);
}

/** The planner's estimate of a search's matches. */
async function estimate(run: Runner, filters: ListFilters, match: SearchMatch): Promise<number> {
  const [row] = await run<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(matchEstimate(filters, match));
  return row?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
}
