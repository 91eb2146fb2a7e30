/**
 * The shop seed:bulk loads, written as SQL that PostgreSQL runs itself: the
 * rows are made inside the server (INSERT … SELECT over generate_series)
 * instead of being shipped from Node, which is what makes a million orders
 * fit in minutes.
 *
 * Every value is a pure function of a row's number within the run, the seed
 * and a few constants of the plan: `u(n, salt)` is a seeded hash mapped to
 * [0, 1), so a product's price is the same expression wherever it is needed
 * (the product row, an order line's snapshot, the order's total) and needs
 * no join, and the same seed, starting ids and --at give the same shop. The
 * functions are temporary (pg_temp, gone with the session) plain SQL ones,
 * which PostgreSQL inlines into the statements that call them.
 */
import { productFunctions, shopperFunctions } from './catalog.js';
import { orderFunctions } from './orders.js';
import { type Plan, fn, pick, u } from './plan.js';
import * as words from './vocabulary.js';

export type { Plan };

/** Creates the generators (temporary functions) for `plan` on the loader's session. */
export function generatorFunctions(plan: Plan): string {
  const hash = `SELECT (hashint8extended(n, ${plan.seed}::bigint * 1000 + salt) & 4503599627370495)::float8 / 4503599627370496`;
  return [
    fn('u(n bigint, salt int)', 'float8', hash),
    ...productFunctions(plan),
    ...shopperFunctions(plan),
    ...orderFunctions(plan),
  ].join('\n');
}

/** An epoch-seconds expression as a timestamptz. */
const ts = (seconds: string) => `to_timestamp(${seconds})`;

/** The statements that load rows a … b-1 ($1, $2) of each table (`hash`, $3, is the shoppers' password hash). */
export function loadStatements(plan: Plan) {
  const { products, shoppers, orders } = plan;
  return {
    shoppers: `
      INSERT INTO users (id, username, email, password_hash, phone, role, is_active, created_at, updated_at)
      SELECT ${shoppers.start} + k, pg_temp.s_username(k), pg_temp.s_email(k), $3, pg_temp.s_phone(k), 'customer',
             pg_temp.s_active(k), ${ts('pg_temp.s_created(k)')}, ${ts('pg_temp.s_created(k)')}
        FROM generate_series($1::bigint, $2::bigint - 1) AS k`,
    // The total is the sum of the lines' subtotals, computed from the same functions as the lines.
    // The idempotency fingerprint is the app's: SHA-256 of JSON.stringify({ shipping_address }).
    orders: `
      INSERT INTO orders (id, user_id, total_amount, status, shipping_address, idempotency_key, idempotency_fingerprint,
                          paid_at, shipped_at, completed_at, cancelled_at, expires_at, cancel_reason, created_at, updated_at)
      SELECT ${orders.start} + o.n, ${shoppers.start} + o.shopper,
             (SELECT sum(pg_temp.p_price(l.ix) * l.quantity) FROM pg_temp.o_lines(o.n, o.groups) AS l),
             o.status, o.address,
             CASE WHEN o.keyed THEN md5(${plan.seed} || '/' || (${orders.start} + o.n))::uuid::text END,
             CASE WHEN o.keyed THEN encode(sha256(convert_to(
               '{"shipping_address":' || to_json(o.address)::text || '}', 'UTF8')), 'hex') END,
             ${ts('o.paid')}, ${ts('o.shipped')}, ${ts('o.completed')}, ${ts('o.cancelled')},
             ${ts('o.created')} + interval '${plan.pendingTtlSeconds} seconds', o.reason, ${ts('o.created')}, ${ts('o.updated')}
        FROM pg_temp.o_rows($1, $2) AS o`,
    lines: `
      INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
      SELECT ${orders.start} + o.n, ${products.start} + l.ix, pg_temp.p_name(l.ix), l.quantity,
             pg_temp.p_price(l.ix), pg_temp.p_price(l.ix) * l.quantity
        FROM pg_temp.o_rows($1, $2) AS o CROSS JOIN LATERAL pg_temp.o_lines(o.n, o.groups) AS l`,
    // One completed line in ten gets a review, within two weeks of completion; ratings lean high
    // (J-shaped), except for the products that disappoint.
    reviews: `
      INSERT INTO reviews (user_id, order_id, product_id, rating, content, images, visible, created_at, updated_at)
      SELECT ${shoppers.start} + o.shopper, ${orders.start} + o.n, ${products.start} + l.ix, r.rating,
             CASE WHEN ${u('z.key', 403)} < 0.65 THEN replace(
               CASE WHEN r.rating >= 4 THEN ${pick(words.PRAISE, u('z.key', 404))}
                    WHEN r.rating = 3 THEN ${pick(words.SHRUGS, u('z.key', 404))}
                    ELSE ${pick(words.COMPLAINTS, u('z.key', 404))} END
               || CASE WHEN ${u('z.key', 405)} < 0.5 THEN ' ' || ${pick(words.REVIEW_DETAILS, u('z.key', 406))} ELSE '' END,
               '{noun}', lower(pg_temp.p_noun(l.ix))) END,
             CASE WHEN ${u('z.key', 407)} < 0.03
                  THEN jsonb_build_array('https://picsum.photos/seed/review-' || (${orders.start} + o.n) || '-' || l.ix || '/800/800')
                  ELSE '[]'::jsonb END,
             ${u('z.key', 408)} >= 0.03, ${ts('r.created')}, ${ts('r.created')}
        FROM pg_temp.o_rows($1, $2) AS o
       CROSS JOIN LATERAL pg_temp.o_lines(o.n, o.groups) AS l
       CROSS JOIN LATERAL (SELECT o.n * 8 + l.j AS key) AS z
       CROSS JOIN LATERAL (SELECT ${u('z.key', 402)} AS roll, pg_temp.p_disappoints(l.ix) AS poor) AS w
       CROSS JOIN LATERAL (SELECT
           CASE WHEN w.poor THEN CASE WHEN w.roll < 0.25 THEN 1 WHEN w.roll < 0.45 THEN 2 WHEN w.roll < 0.70 THEN 3
                                      WHEN w.roll < 0.90 THEN 4 ELSE 5 END
                ELSE CASE WHEN w.roll < 0.58 THEN 5 WHEN w.roll < 0.83 THEN 4 WHEN w.roll < 0.92 THEN 3
                          WHEN w.roll < 0.96 THEN 2 ELSE 1 END END AS rating,
           o.completed + least(3600 + 1209600 * ${u('z.key', 409)}, (${plan.at} - o.completed) * ${u('z.key', 410)}) AS created) AS r
       WHERE o.status = 'completed' AND ${u('z.key', 401)} < 0.10`,
    // What the app keeps on each product, from this run's orders and reviews (the invariants' definitions).
    stats: `
      CREATE TEMPORARY TABLE bulk_stats ON COMMIT DROP AS
      SELECT product_id, sum(sold)::int AS sold, count(rating)::int AS reviews, coalesce(round(avg(rating), 2), 0) AS rating
        FROM (SELECT i.product_id, i.quantity AS sold, NULL::smallint AS rating
                FROM order_items i JOIN orders o ON o.id = i.order_id
               WHERE i.order_id >= ${orders.start} AND o.id >= ${orders.start} AND o.status IN ('paid', 'shipped', 'completed')
              UNION ALL
              SELECT product_id, 0, rating FROM reviews WHERE order_id >= ${orders.start} AND visible) AS facts
       GROUP BY product_id;
      CREATE UNIQUE INDEX ON bulk_stats (product_id);
      ANALYZE bulk_stats`,
    products: `
      INSERT INTO products (id, name, description, price, stock, category_id, image_url, archived,
                            rating_avg, review_count, sales_count, created_at, updated_at)
      SELECT ${products.start} + i, pg_temp.p_name(i), pg_temp.p_description(i), pg_temp.p_price(i), pg_temp.p_stock(i),
             pg_temp.p_category_id(i), 'https://picsum.photos/seed/bulk-' || (${products.start} + i) || '/600/600',
             pg_temp.p_archived(i), coalesce(s.rating, 0), coalesce(s.reviews, 0), coalesce(s.sold, 0),
             ${ts('pg_temp.p_created(i)')},
             ${ts(`CASE WHEN pg_temp.p_archived(i) THEN pg_temp.p_created(i) + (${plan.at} - pg_temp.p_created(i)) * ${u('i', 22)}
                        ELSE pg_temp.p_created(i) END`)}
        FROM generate_series($1::bigint, $2::bigint - 1) AS i
        LEFT JOIN bulk_stats AS s ON s.product_id = ${products.start} + i
              AND s.product_id >= ${products.start} + $1::bigint AND s.product_id < ${products.start} + $2::bigint`,
  };
}
