/** The orders' generators: temporary SQL functions of an order's number in the run. */
import { GROUP, type Plan, fn, timeline, u } from './plan.js';

/**
 * The orders' functions. o_rows(a, b) gives orders a … b-1 with their
 * shopper, status and timestamps; o_lines(n, groups) gives order n's lines.
 *
 * An order older than the payment deadline (PENDING_ORDER_TTL_MINUTES) has
 * been paid or cancelled; it then moves on (shipped 2–72 h after payment,
 * completed 1–7 days later, 3 % never confirmed) as far as the present
 * allows, so status and timestamps always agree. Only the `recent` newest
 * orders, placed within the deadline, can be pending: each has a shopper of
 * its own, so nobody holds more than one of them (≤ MAX_PENDING_ORDERS).
 */
export function orderFunctions(plan: Plan): string[] {
  const t = timeline(plan);
  const { count, recent } = plan.orders;
  const normal = count - recent;
  const shoppers = plan.shoppers.count;
  const at = plan.at;
  const ttl = plan.pendingTtlSeconds;
  const payWithin = 0.8 * ttl - 30;
  const products = plan.products.count;
  // 2.5 times as many orders a day now as a year ago: the inverse of a density falling linearly with age.
  const normalCreated = `${t.ordersTo} - ${t.ordersTo - t.ordersFrom}
      * (1 - sqrt(1 - 0.84 * (1 - (n + ${u('n', 202)}) / ${Math.max(normal, 1)}))) / 0.6`;
  const recentCreated = `${at - t.recentWindow} + ${t.recentWindow} * ((n - ${normal}) + ${u('n', 201)}) / ${Math.max(recent, 1)}`;
  // Loyal early shoppers buy more: among the shoppers registered by then, low numbers are likelier.
  const registered = `greatest(1, least(${shoppers}, floor(${shoppers} * (t.created - ${t.shoppersFrom}) / ${t.shopperSpan})))`;
  const rows = `
    SELECT n, s.shopper, t.created,
           CASE WHEN k.reason IS NOT NULL THEN 'cancelled' WHEN k.path = 'pending' THEN 'pending'
                WHEN f.completed IS NOT NULL THEN 'completed' WHEN f.shipped IS NOT NULL THEN 'shipped' ELSE 'paid' END,
           k.paid, f.shipped, f.completed, f.cancelled, k.reason,
           greatest(t.created, k.paid, f.shipped, f.completed, f.cancelled),
           greatest(${GROUP}, least(${products}, floor(${products} * (t.created - ${t.productsFrom}) / ${t.productSpan})))::int
             / ${GROUP},
           CASE WHEN ${u('n', 212)} < 0.9 THEN pg_temp.address(s.shopper, 100) ELSE pg_temp.address(n, 600) END,
           ${u('n', 213)} < 0.7
      FROM generate_series(a, b - 1) AS n
     CROSS JOIN LATERAL (SELECT n >= ${normal} AS recent, ${u('n', 203)} AS roll) AS w
     CROSS JOIN LATERAL (SELECT CASE WHEN w.recent THEN ${recentCreated} ELSE ${normalCreated} END AS created OFFSET 0) AS t
     CROSS JOIN LATERAL (SELECT CASE WHEN w.recent THEN ((floor(${u('0', 211)} * ${shoppers})::bigint + n - ${normal}) % ${shoppers})::int
                                     ELSE floor(${registered} * power(${u('n', 210)}, 1.6))::int END AS shopper
                         OFFSET 0) AS s
     CROSS JOIN LATERAL (SELECT CASE
         WHEN w.recent THEN CASE WHEN w.roll < 0.25 THEN 'fulfil' WHEN w.roll < 0.33 THEN 'unpaid-cancel' ELSE 'pending' END
         WHEN w.roll < 0.04 THEN 'expired'
         WHEN w.roll < 0.07 THEN 'unpaid-cancel'
         WHEN w.roll < 0.09 THEN 'paid-cancel'
         WHEN w.roll < 0.10 THEN 'staff-cancel'
         ELSE 'fulfil' END AS path) AS p
     CROSS JOIN LATERAL (SELECT p.path,
         CASE p.path WHEN 'expired' THEN 'expired' WHEN 'staff-cancel' THEN 'staff'
                     WHEN 'unpaid-cancel' THEN 'shopper' WHEN 'paid-cancel' THEN 'shopper' END AS reason,
         CASE WHEN p.path IN ('pending', 'expired', 'unpaid-cancel') THEN NULL
              WHEN w.recent THEN t.created + (${at} - t.created) * ${u('n', 204)}
              ELSE t.created + 30 + ${payWithin} * power(${u('n', 204)}, 2) END AS paid) AS k
     CROSS JOIN LATERAL (SELECT k.paid + 7200 + 252000 * ${u('n', 205)} AS shipped,
                                86400 * (1 + 6 * ${u('n', 206)}) AS delivery, ${u('n', 207)} >= 0.03 AS confirmed) AS d
     CROSS JOIN LATERAL (SELECT
         CASE WHEN k.path = 'fulfil' AND d.shipped <= ${at} THEN d.shipped END AS shipped,
         CASE WHEN k.path = 'fulfil' AND d.confirmed AND d.shipped + d.delivery <= ${at}
              THEN d.shipped + d.delivery END AS completed,
         CASE k.path
           WHEN 'expired' THEN least(${at}, t.created + ${ttl} + 1 + 14 * ${u('n', 208)})
           WHEN 'unpaid-cancel' THEN CASE WHEN w.recent THEN t.created + (${at} - t.created) * ${u('n', 208)}
                                          ELSE t.created + 60 + ${0.7 * ttl} * ${u('n', 208)} END
           WHEN 'paid-cancel' THEN k.paid + least(600 + 43200 * ${u('n', 208)}, (${at} - k.paid) * ${u('n', 209)})
           WHEN 'staff-cancel' THEN k.paid + least(3600 + 172800 * ${u('n', 208)}, (${at} - k.paid) * ${u('n', 209)})
         END AS cancelled) AS f
    OFFSET 0`;
  // Line j's product comes from a group of GROUP neighbours, at a position rotated per order: distinct
  // positions, so an order never lists a product twice. Groups are skewed: every 80th is a bestseller.
  const lines = `
    SELECT j, ${GROUP} * g.g + (j - 1 + floor(${u('n', 301)} * ${GROUP})::int) % ${GROUP}, q.quantity
      FROM generate_series(1, CASE WHEN ${u('n', 306)} < 0.40 THEN 1 WHEN ${u('n', 306)} < 0.67 THEN 2
                                   WHEN ${u('n', 306)} < 0.84 THEN 3 WHEN ${u('n', 306)} < 0.94 THEN 4 ELSE 5 END) AS j
     CROSS JOIN LATERAL (SELECT n * 8 + j AS key) AS z
     CROSS JOIN LATERAL (SELECT CASE
         WHEN ${u('z.key', 302)} < 0.2 THEN 80 * floor(${u('z.key', 303)} * ((groups - 1) / 80 + 1))::int
         WHEN ${u('z.key', 302)} < 0.45 THEN 4 * floor(${u('z.key', 303)} * ((groups - 1) / 4 + 1))::int
         ELSE floor(${u('z.key', 303)} * groups)::int END AS g) AS g
     CROSS JOIN LATERAL (SELECT least(${plan.maxUnitsPerLine}, CASE
         WHEN ${u('z.key', 304)} < 0.70 THEN 1 WHEN ${u('z.key', 304)} < 0.88 THEN 2 WHEN ${u('z.key', 304)} < 0.95 THEN 3
         WHEN ${u('z.key', 304)} < 0.98 THEN 4 ELSE 5 + floor(${u('z.key', 305)} * 6)::int END) AS quantity) AS q
    OFFSET 0`;
  return [
    fn(
      'o_rows(a bigint, b bigint)',
      `TABLE (n bigint, shopper int, created float8, status text, paid float8, shipped float8, completed float8,
              cancelled float8, reason text, updated float8, groups int, address text, keyed boolean)`,
      rows,
    ),
    fn('o_lines(n bigint, groups int)', 'TABLE (j int, ix int, quantity int)', lines),
  ];
}
