/** The database invariants the fuzz tests check after every batch: stock, money, ratings, sales, reviews, carts, limits, roles. */
import { QueryTypes } from 'sequelize';
import { config } from '../../src/config.js';
import { sequelize } from '../../src/db.js';

const rows = <T extends object>(sql: string, bind: unknown[] = []) =>
  sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });

/** Per product: stock plus the units held by orders that were not cancelled (constant unless staff edit stock). */
export async function stockLedger(): Promise<Map<number, number>> {
  const ledger = await rows<{ id: number; units: number }>(
    `SELECT p.id, p.stock + COALESCE(SUM(i.quantity) FILTER (WHERE o.status <> 'cancelled'), 0)::int AS units
       FROM products p LEFT JOIN order_items i ON i.product_id = p.id LEFT JOIN orders o ON o.id = i.order_id
      GROUP BY p.id`,
  );
  return new Map(ledger.map((row) => [row.id, Number(row.units)]));
}

/** The database invariants the shop promises; each broken one is a line. */
export async function invariantViolations(staffIds: number[], ledger?: Map<number, number>): Promise<string[]> {
  const checks: [string, string, unknown[]?][] = [
    ['stock < 0', 'SELECT id, stock FROM products WHERE stock < 0'],
    [
      'order total ≠ sum of its lines',
      `SELECT o.id, o.total_amount, COALESCE(SUM(i.subtotal), 0) AS lines FROM orders o
         LEFT JOIN order_items i ON i.order_id = o.id GROUP BY o.id HAVING o.total_amount <> COALESCE(SUM(i.subtotal), 0)`,
    ],
    [
      'order without lines',
      'SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)',
    ],
    [
      'line subtotal ≠ price × quantity',
      'SELECT id, price, quantity, subtotal FROM order_items WHERE subtotal <> price * quantity',
    ],
    [
      'review_count / rating_avg ≠ visible reviews',
      `SELECT p.id, p.review_count, p.rating_avg, COUNT(r.id) AS reviews, COALESCE(ROUND(AVG(r.rating), 2), 0) AS average
         FROM products p LEFT JOIN reviews r ON r.product_id = p.id AND r.visible GROUP BY p.id
       HAVING p.review_count <> COUNT(r.id) OR p.rating_avg <> COALESCE(ROUND(AVG(r.rating), 2), 0)`,
    ],
    [
      'sales_count ≠ units on paid, shipped and completed orders',
      `SELECT p.id, p.sales_count, COALESCE(SUM(i.quantity) FILTER (WHERE o.status IN ('paid', 'shipped', 'completed')), 0) AS sold
         FROM products p LEFT JOIN order_items i ON i.product_id = p.id LEFT JOIN orders o ON o.id = i.order_id GROUP BY p.id
       HAVING p.sales_count <> COALESCE(SUM(i.quantity) FILTER (WHERE o.status IN ('paid', 'shipped', 'completed')), 0)`,
    ],
    [
      'review by someone else than the owner of a completed order',
      `SELECT r.id FROM reviews r JOIN orders o ON o.id = r.order_id WHERE o.user_id <> r.user_id OR o.status <> 'completed'`,
    ],
    [
      'cart quantity outside 1–MAX_UNITS_PER_LINE',
      'SELECT id, user_id, product_id, quantity FROM carts WHERE quantity NOT BETWEEN 1 AND $1',
      [config.orders.maxUnitsPerLine],
    ],
    [
      'pending_orders ≠ pending orders held, or above MAX_PENDING_ORDERS',
      `SELECT u.id, u.pending_orders, count(o.id) AS pending FROM users u
         LEFT JOIN orders o ON o.user_id = u.id AND o.status = 'pending' GROUP BY u.id
       HAVING u.pending_orders <> count(o.id) OR count(o.id) > $1`,
      [config.orders.maxPending],
    ],
    [
      'cancel_reason on an order that is not cancelled',
      `SELECT id, status, cancel_reason FROM orders WHERE cancel_reason IS NOT NULL AND status <> 'cancelled'`,
    ],
    [
      'password hash that is not bcrypt',
      `SELECT id, username FROM users WHERE password_hash !~ '^[$]2[aby][$][0-9]{2}[$]'`,
    ],
    [
      'admin that is not staff',
      `SELECT id, username FROM users WHERE role = 'admin' AND NOT (id = ANY($1::int[]))`,
      [staffIds],
    ],
  ];
  const out: string[] = [];
  for (const [name, sql, bind] of checks) {
    const found = await rows<object>(sql, bind);
    if (found.length) out.push(`${name}: ${JSON.stringify(found.slice(0, 5))}`);
  }
  if (ledger) {
    for (const [id, units] of await stockLedger()) {
      const before = ledger.get(id);
      if (before !== undefined && before !== units) out.push(`units of product ${id} went from ${before} to ${units}`);
    }
  }
  return out;
}
