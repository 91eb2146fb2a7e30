/**
 * What one seed:bulk run loads, when its rows happen, and the SQL helpers its
 * generators are written with.
 *
 * Time runs forward with the ids, as in a real shop: product i and shopper k
 * are created at evenly spaced moments (with jitter) over their span, order
 * n's moment grows with n and is denser towards the present, and an order
 * only contains products and belongs to a shopper that existed before it.
 */

/** What one run loads: first ids, row counts, the shop's present and its rules. */
export interface Plan {
  seed: number;
  /** The shop's "now", in epoch seconds: every timestamp is at or before it (pending orders' deadlines after). */
  at: number;
  products: { start: number; count: number };
  shoppers: { start: number; count: number };
  /** `recent` of the orders are the last minutes' ones: the only ones that can still be pending. */
  orders: { start: number; count: number; recent: number };
  /** Category ids to spread products over, and the nouns of each (same order). */
  categories: { ids: number[]; nouns: string[][] };
  /** PENDING_ORDER_TTL_MINUTES in seconds: an order unpaid this long has expired. */
  pendingTtlSeconds: number;
  /** MAX_UNITS_PER_LINE: no line has more units. */
  maxUnitsPerLine: number;
}

const DAY = 86_400;
/** Products are created over the year before `at` (until an hour before it). */
const PRODUCT_SPAN = { from: 365 * DAY, to: 3_600 };
/** Shoppers registered over the two years before `at` (until a day before it). */
const SHOPPER_SPAN = { from: 730 * DAY, to: DAY };
/** An order has 1 to this many lines; product picks rotate through groups of this size, so lines never repeat. */
export const GROUP = 5;

/** An SQL string literal. */
export const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const array = (list: readonly string[]) => `(ARRAY[${list.map(quote).join(', ')}]::text[])`;
/** A uniform pick from `list` by the [0, 1) expression `r`. */
export const pick = (list: readonly string[], r: string) => `${array(list)}[1 + floor(${r} * ${list.length})::int]`;
/** A skewed pick: the first words are common, the last ones rare. */
export const skewedPick = (list: readonly string[], r: string) =>
  `${array(list)}[1 + floor(power(${r}, 2.5) * ${list.length})::int]`;
/** The seeded hash of row n (an SQL expression) with `salt`, in [0, 1). */
export const u = (n: string, salt: number | string) => `pg_temp.u(${n}, ${salt})`;
/**
 * CREATE FUNCTION for a temporary SQL function. PostgreSQL inlines one only if its body stays
 * immutable (numbers are cast to text before ||: int || text is the STABLE textanycat), has no
 * FROM, and each argument used twice is a plain column (hence the OFFSET 0 fences in orders.ts).
 * Inlined, a call costs a few hundred nanoseconds; called, 5 to 15 µs (measured here).
 */
export const fn = (signature: string, returns: string, body: string) =>
  `CREATE FUNCTION pg_temp.${signature} RETURNS ${returns} LANGUAGE sql IMMUTABLE AS $fn$ ${body} $fn$;`;

/** The spans the plan's rows are spread over, in epoch seconds. */
export function timeline(plan: Plan) {
  const productsFrom = plan.at - PRODUCT_SPAN.from;
  const productSpan = PRODUCT_SPAN.from - PRODUCT_SPAN.to;
  const ordersTo = plan.at - plan.pendingTtlSeconds; // older orders are past their payment deadline
  // Orders start once GROUP products exist, so that every order can pick distinct, existing products.
  const ordersFrom = productsFrom + (productSpan * GROUP) / Math.max(plan.products.count, GROUP);
  return {
    productsFrom,
    productSpan,
    shoppersFrom: plan.at - SHOPPER_SPAN.from,
    shopperSpan: SHOPPER_SPAN.from - SHOPPER_SPAN.to,
    ordersFrom,
    ordersTo,
    recentWindow: 0.8 * plan.pendingTtlSeconds,
  };
}
