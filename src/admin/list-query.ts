/**
 * How the panel's list pages query a table of any size (AuditedResource's
 * `find` and `count`):
 *
 * - a text filter matches anywhere in the value, in any case and with or
 *   without accents ("lamp", "LAMP" and "lámp" find "Desk Lamp" and
 *   "Lámpara"): `f_unaccent(column) ILIKE f_unaccent('%text%')`, which the
 *   trigram indexes on f_unaccent(column) of migration 20261203000040 serve;
 *   a property with a fixed list of values (an order's status) matches
 *   exactly, so that its b-tree index serves it;
 * - a number or date filter may be a range, `filters.price~~from=10&
 *   filters.price~~to=20` (the shape AdminJS's own date filter sends), either
 *   bound optional; a bound that is not a number (for a date property, not
 *   a date) matches nothing, and a "to" that is a plain day includes that
 *   whole day;
 * - other filters (a single number, booleans, ids) are the adapter's own;
 * - a resource may add filters of its own making (the orders list's
 *   customer search);
 * - the count under a list is exact up to EXACT_COUNT_UP_TO rows and the
 *   planner's estimate beyond (see `listCount`).
 */
import { convertFilter } from '@adminjs/sequelize';
import type { Filter } from 'adminjs';
import { type Model, type ModelStatic, Op, QueryTypes, type WhereOptions, literal } from 'sequelize';
import { sequelize } from '../db.js';

/**
 * Lists count their rows exactly up to here. An exact count of a broad
 * filter at 1M rows reads every match (a name matching 55,000 products:
 * 55,000 heap rows, 300-600 ms); stopping at 1,001 bounds the read to
 * ~1,000 rows (~10 ms) while every filter a person reads page by page
 * (100 pages of 10) still gets its true count.
 */
export const EXACT_COUNT_UP_TO = 1_000;

/**
 * A list the planner expects to hold more than this many rows shows the
 * estimate without counting, when the estimate can be trusted (see
 * ListQuery): even a count that stops at EXACT_COUNT_UP_TO + 1 reads
 * ~1,000 heap pages for a name part in 5 % of the catalog (a seq scan that
 * stops early, or a bitmap scan of scattered rows), 5-700 ms on a busy
 * 2-core machine.
 */
export const ESTIMATE_ABOVE = 10 * EXACT_COUNT_UP_TO;

/** A filter field a resource makes itself: the typed text in, the rows it matches out. */
export type CustomFilter = (text: string) => WhereOptions;

/** A LIKE pattern that finds `text` anywhere, LIKE's own wildcards in it taken literally. */
export const containing = (text: string): string => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * True when a trigram index can serve `ILIKE '%text%'`: the text holds a
 * word of three letters or digits (pg_trgm takes nothing from shorter words
 * or punctuation). Without one, PostgreSQL would read the whole GIN index
 * and then every row it names (17 s cold, seconds warm, at 1M products, for
 * "qz"), so such a text is matched through an expression that no index
 * serves, and the plan stays a plain scan, as it was before the index.
 */
export const trigramSearchable = (text: string): boolean => /[\p{L}\p{N}]{3}/u.test(text);

/**
 * SQL that is true when the column (`column`: its quoted name, as SQL)
 * contains `text` in any case and with or without accents. It is the
 * expression the trigram indexes on `f_unaccent(column)` serve when they can
 * (see trigramSearchable); for a shorter text the column is wrapped in
 * concat(), which no index matches.
 */
export function containsText(column: string, text: string): string {
  const subject = trigramSearchable(text) ? column : `concat(${column})`;
  return `f_unaccent(${subject}) ILIKE f_unaccent(${sequelize.escape(containing(text))})`;
}

/** `column` contains `text` (containsText), as a Sequelize condition. */
const textMatch = (column: string, text: string): WhereOptions =>
  literal(containsText(sequelize.getQueryInterface().quoteIdentifier(column), text));

/** Property types whose filter may be a from/to range, and how a bound of each is read. */
const RANGE_BOUNDS: Record<string, (bound: string) => string | number | undefined> = {
  number: numberBound,
  float: numberBound,
  currency: numberBound,
  date: dateBound,
  datetime: dateBound,
};

/** A number as typed ("10", "9.99", "-1"), or undefined (also for "1e3" and numbers beyond a double). */
function numberBound(bound: string): number | undefined {
  const number = /^\s*-?\d+(\.\d+)?\s*$/.test(bound) ? Number(bound) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/**
 * A date (`2026-12-01`) or date-time (`2026-12-01T12:00:00.000Z`) as typed,
 * or undefined when it is not one PostgreSQL takes: a day that does not
 * exist (2026-02-30, which JavaScript would roll over to March), year 0.
 */
function dateBound(bound: string): string | undefined {
  const text = bound.trim();
  const match = /^(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/.exec(text);
  if (!match || match[1]!.startsWith('0000') || Number.isNaN(Date.parse(text))) return undefined;
  const day = match[1]!;
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day ? text : undefined;
}

/** The day after a plain `YYYY-MM-DD` date, so that a range "to" that day includes all of it. */
function dayAfter(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * `{ from, to }` as a condition on `column` (null: no bound given,
 * undefined: a bound that is not a value of the type, so no row matches).
 */
function rangeMatch(column: string, type: string, range: Record<string, unknown>): WhereOptions | null | undefined {
  const read = RANGE_BOUNDS[type]!;
  const condition: Record<symbol, string | number> = {};
  for (const side of ['from', 'to'] as const) {
    const raw = range[side];
    if (raw === undefined || raw === '') continue;
    const bound = typeof raw === 'string' ? read(raw) : undefined;
    if (bound === undefined) return undefined;
    const nextDay = side === 'to' && typeof bound === 'string' ? dayAfter(bound) : undefined;
    if (side === 'from') condition[Op.gte] = bound;
    else if (nextDay) condition[Op.lt] = nextDay;
    else condition[Op.lte] = bound;
  }
  return Object.getOwnPropertySymbols(condition).length === 0 ? null : { [column]: condition };
}

/** What `listWhere` needs to know about the resource. */
export interface ListFilterRules {
  /** Its own filter fields, by name. */
  custom: Record<string, CustomFilter>;
  /** True for a property whose values come from a fixed list (matched exactly, not as a substring). */
  hasChoices: (path: string) => boolean;
}

/** A list page's filter as SQL. */
export interface ListQuery {
  where: WhereOptions;
  /**
   * True for no filter or one filter on one of the table's columns: its
   * statistics estimate those well, so a large estimate is close. Several
   * filters (PostgreSQL multiplies their selectivities as if they were
   * independent: "pending" and "older than a year" come out at 1 % of the
   * orders when none are), a custom one (a subquery) or a text too short
   * for the trigram index (an expression without statistics) can be off by
   * orders of magnitude, so those are always counted.
   */
  estimable: boolean;
}

/**
 * The SQL of a list page's filter; undefined when it can match no row (a
 * number filter or a range bound that is not a number or a date, a range
 * on a property that has none). Filters on properties the resource does
 * not have are dropped, as are empty custom ones and empty ranges.
 */
export function listWhere(filter: Filter | undefined, rules: ListFilterRules): ListQuery | undefined {
  if (!filter) return { where: {}, estimable: true };
  // Set once some condition's row estimate is only a guess (see ListQuery).
  let guessed = false;
  const own: WhereOptions[] = [];
  const adapters: Filter['filters'][string][] = [];
  for (const [path, item] of Object.entries(filter.filters)) {
    const make = Object.hasOwn(rules.custom, path) ? rules.custom[path] : undefined;
    if (make) {
      const text = typeof item.value === 'string' ? item.value.trim() : '';
      if (text !== '') own.push(make(text));
      guessed ||= text !== '';
      continue;
    }
    if (!item.property) continue;
    const type = item.property.type();
    if (item.value !== null && typeof item.value === 'object' && !Array.isArray(item.value)) {
      // A range (`path~~from`, `path~~to`); the adapter would drop it (numbers) or pass it on as a value.
      if (!Object.hasOwn(RANGE_BOUNDS, type) || path !== item.property.path()) return undefined;
      const range = rangeMatch(item.property.path(), type, item.value);
      if (range === undefined) return undefined;
      if (range) own.push(range);
      continue;
    }
    const numeric = ['number', 'float', 'reference', 'id'].includes(type);
    if (numeric && typeof item.value === 'string' && !Number.isFinite(Number(item.value))) return undefined;
    // Only a filter on the property itself (not on an array element such as `tags.0`).
    if (type === 'string' && typeof item.value === 'string' && path === item.property.path()) {
      const column = item.property.path();
      if (rules.hasChoices(path)) {
        own.push({ [column]: item.value });
      } else {
        own.push(textMatch(column, item.value));
        // An expression has no statistics: PostgreSQL guesses (a fifth of the table).
        guessed ||= !trigramSearchable(item.value);
      }
      continue;
    }
    adapters.push(item);
  }
  const theAdapters = convertFilter({
    reduce: <T>(step: (memo: T, item: (typeof adapters)[number]) => T, initial: T) => adapters.reduce(step, initial),
  }) as WhereOptions;
  const all = Reflect.ownKeys(theAdapters).length === 0 ? own : [theAdapters, ...own];
  const estimable = !guessed && own.length + adapters.length <= 1;
  if (all.length === 0) return { where: {}, estimable };
  return { where: all.length === 1 ? all[0]! : { [Op.and]: all }, estimable };
}

/** The parts of Sequelize's query generator used here (internal API: `queryInterface.queryGenerator`). */
interface SelectGenerator {
  selectQuery(table: string, options: object, model: ModelStatic<Model>): string;
}

/** `SELECT 1 FROM <table> WHERE <where> [LIMIT n]`, as Sequelize writes it for findAll (same quoting and typing). */
function selectOne(model: ModelStatic<Model>, where: WhereOptions, limit?: number): string {
  const generator = model.sequelize!.getQueryInterface().queryGenerator as SelectGenerator;
  const sql = generator.selectQuery(
    model.getTableName() as string,
    { attributes: [[literal('1'), 'one']], where, limit },
    model,
  );
  return sql.replace(/;\s*$/, '');
}

/**
 * The total under a list page. Exact when at most EXACT_COUNT_UP_TO rows
 * match (a count that stops reading at one more); otherwise the planner's
 * estimate of the filtered query (never below EXACT_COUNT_UP_TO + 1), and at
 * once, without counting, when that estimate is trusted and above
 * ESTIMATE_ABOVE. The estimate is what PostgreSQL's statistics say
 * (pg_class.reltuples scaled to the table's current size for an unfiltered
 * list, the column statistics for a filter): close for the lists staff page
 * through, and it costs a plan (~0.3 ms), not a read. It lags after bulk
 * deletes until the table is next ANALYZEd (autovacuum does it).
 */
export async function listCount(model: ModelStatic<Model>, { where, estimable }: ListQuery): Promise<number> {
  const sequelize = model.sequelize!;
  const [explained] = await sequelize.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    `EXPLAIN (FORMAT JSON) ${selectOne(model, where)}`,
    { type: QueryTypes.SELECT },
  );
  const estimate = Math.round(explained!['QUERY PLAN'][0]!.Plan['Plan Rows']);
  if (estimable && estimate > ESTIMATE_ABOVE) return estimate;
  const [counted] = await sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${selectOne(model, where, EXACT_COUNT_UP_TO + 1)}) AS matching`,
    { type: QueryTypes.SELECT },
  );
  return counted!.n <= EXACT_COUNT_UP_TO ? counted!.n : Math.max(EXACT_COUNT_UP_TO + 1, estimate);
}
