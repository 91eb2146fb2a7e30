/** The shop at a glance, for the staff dashboard. Money as two-place strings, days in UTC. */
import { QueryTypes } from 'sequelize';
import { sequelize } from '../db.js';

/** Orders placed and revenue taken on one day. */
export interface DayFigures {
  /** YYYY-MM-DD (UTC). */
  day: string;
  orders: number;
  /** Sum over that day's paid, shipped and completed orders. */
  revenue: string;
}

/** Everything the dashboard shows. */
export interface Dashboard {
  days: DayFigures[];
  today: { orders: number; revenue: string; awaiting_shipment: number; new_customers: number };
  low_stock: { id: number; name: string; stock: number }[];
  recent_activity: {
    id: number;
    created_at: string;
    admin: string;
    action: string;
    target_type: string;
    target_id: string | null;
  }[];
}

/** A product at or below this stock is "low". */
export const LOW_STOCK = 5;

const SOLD = "('paid', 'shipped', 'completed')";

/** Last 30 days of orders and revenue, today's numbers, low-stock products and the latest staff activity. */
export async function dashboard(): Promise<Dashboard> {
  const select = <T extends object>(sql: string, bind: unknown[] = []) =>
    sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  const [days, [today], lowStock, activity] = await Promise.all([
    select<DayFigures>(
      `WITH span AS (
         SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 29, (now() AT TIME ZONE 'UTC')::date, interval '1 day')::date AS day)
       SELECT to_char(s.day, 'YYYY-MM-DD') AS day,
              count(o.id)::int AS orders,
              coalesce(sum(o.total_amount) FILTER (WHERE o.status IN ${SOLD}), 0)::numeric(12,2)::text AS revenue
         FROM span s
         LEFT JOIN orders o ON (o.created_at AT TIME ZONE 'UTC')::date = s.day
        GROUP BY s.day ORDER BY s.day`,
    ),
    select<Dashboard['today']>(
      `SELECT (SELECT count(*)::int FROM orders WHERE (created_at AT TIME ZONE 'UTC')::date = (now() AT TIME ZONE 'UTC')::date) AS orders,
              (SELECT coalesce(sum(total_amount), 0)::numeric(12,2)::text FROM orders
                WHERE status IN ${SOLD} AND (created_at AT TIME ZONE 'UTC')::date = (now() AT TIME ZONE 'UTC')::date) AS revenue,
              (SELECT count(*)::int FROM orders WHERE status = 'paid') AS awaiting_shipment,
              (SELECT count(*)::int FROM users WHERE role = 'customer'
                AND (created_at AT TIME ZONE 'UTC')::date = (now() AT TIME ZONE 'UTC')::date) AS new_customers`,
    ),
    select<Dashboard['low_stock'][number]>(
      'SELECT id, name, stock FROM products WHERE NOT archived AND stock <= $1 ORDER BY stock, id LIMIT 10',
      [LOW_STOCK],
    ),
    select<Dashboard['recent_activity'][number]>(
      `SELECT l.id, l.created_at, coalesce(u.email, 'system') AS admin, l.action, l.target_type, l.target_id
         FROM admin_logs l LEFT JOIN users u ON u.id = l.admin_id
        ORDER BY l.created_at DESC, l.id DESC LIMIT 10`,
    ),
  ]);
  return { days, today: today!, low_stock: lowStock, recent_activity: activity };
}
