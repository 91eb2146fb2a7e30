/** The shop at a glance, for the staff dashboard. Money as two-place strings, days in UTC. */
import { QueryTypes } from 'sequelize';
import { config } from '../config.js';
import { sequelize } from '../db.js';
import { type AuditRow, describeAudit } from './audit-view.js';

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
  /** The lowest-stock listed products (at most LOW_STOCK_SHOWN). */
  low_stock: { id: number; name: string; stock: number }[];
  /** How many listed products are low on stock in all. */
  low_stock_total: number;
  /** The panel's product list filtered to all of them, lowest stock first. */
  low_stock_href: string;
  /** The latest audit log entries, in words (audit-view.ts). */
  recent_activity: {
    id: number;
    created_at: string;
    /** The admin's username, or "System". */
    admin: string;
    action: string;
    target_type: string;
    target_id: string | null;
    /** e.g. "ada edited product Desk Lamp: price 12.50 → 14.99". */
    line: string;
    /** e.g. "price 12.50 → 14.99". */
    summary: string;
    target_label: string;
    target_href: string | null;
  }[];
  /** The shop's currency (ISO 4217), for formatting the money figures. */
  currency: string;
}

/** A product at or below this stock is "low". */
export const LOW_STOCK = 5;

/** How many low-stock products the card lists (the rest are a click away). */
export const LOW_STOCK_SHOWN = 10;

/** The panel's product list of every listed product at or below LOW_STOCK, lowest stock first. */
export const LOW_STOCK_HREF = `/admin/resources/products?filters.stock~~to=${LOW_STOCK}&filters.archived=false&sortBy=stock&direction=asc`;

/** How many audit entries the activity card shows. */
const RECENT_ACTIVITY = 10;

/** How many days the chart shows, today included. */
export const CHART_DAYS = 30;

const SOLD = "('paid', 'shipped', 'completed')";
const DAY_MS = 86_400_000;

/** Midnight UTC at the start of `at`'s day, as PostgreSQL timestamp text ("2026-12-02 00:00:00"). */
const startOfUtcDay = (at: Date, daysBefore = 0): string =>
  new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS - daysBefore * DAY_MS).toISOString().slice(0, 10) + ' 00:00:00';

/**
 * Orders and revenue of each of the CHART_DAYS days up to `$1` (the first
 * day's midnight UTC). Every day is a range `created_at >= start AND
 * created_at < end` on orders_created_idx, so the chart reads only its 30
 * days' orders, once, whatever the table's size (an expression on
 * created_at would not use the index: 1M rows read at 1M orders). Day
 * bounds are computed on UTC wall-clock timestamps, so the session's time
 * zone plays no part. An integer series keeps the planner's row estimate
 * exact (a timestamp series is guessed at 1,000 rows, which priced the
 * query into JIT compilation: ~10 ms of it, measured).
 */
const CHART_SQL = `
  SELECT to_char(d.day, 'YYYY-MM-DD') AS day, o.orders, o.revenue
    FROM generate_series(0, ${CHART_DAYS - 1}) AS n
   CROSS JOIN LATERAL (SELECT $1::timestamp + n * interval '1 day' AS day) AS d
   CROSS JOIN LATERAL (
     SELECT count(*)::int AS orders,
            coalesce(sum(total_amount) FILTER (WHERE status IN ${SOLD}), 0)::numeric(12,2)::text AS revenue
       FROM orders
      WHERE created_at >= d.day AT TIME ZONE 'UTC' AND created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
   ) AS o
   ORDER BY n`;

/**
 * Orders awaiting shipment (an index-only count on orders_status_created_idx:
 * it grows with the paid backlog, not with the shop's history) and the
 * customers who signed up on the day starting at `$1` (users_created_idx).
 */
const TODAY_SQL = `
  SELECT (SELECT count(*)::int FROM orders WHERE status = 'paid') AS awaiting_shipment,
         (SELECT count(*)::int FROM users
           WHERE role = 'customer'
             AND created_at >= $1::timestamp AT TIME ZONE 'UTC'
             AND created_at < ($1::timestamp + interval '1 day') AT TIME ZONE 'UTC') AS new_customers`;

/** The panel's dashboard handler: the shop as of now (AdminJS's arguments are not needed). */
export function dashboard(): Promise<Dashboard> {
  return dashboardAt(new Date());
}

/**
 * The dashboard as of `now`: the CHART_DAYS days up to and including
 * `now`'s day (UTC), today's numbers (today's orders and revenue are the
 * chart's last day), low-stock products (the lowest, and how many in all)
 * and the latest staff activity in words.
 * Every query is index-backed.
 */
export async function dashboardAt(now: Date): Promise<Dashboard> {
  const select = <T extends object>(sql: string, bind: unknown[] = []) =>
    sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  const [days, [counts], lowStock, [lowStockTotal], activity] = await Promise.all([
    select<DayFigures>(CHART_SQL, [startOfUtcDay(now, CHART_DAYS - 1)]),
    select<Pick<Dashboard['today'], 'awaiting_shipment' | 'new_customers'>>(TODAY_SQL, [startOfUtcDay(now)]),
    select<Dashboard['low_stock'][number]>(
      'SELECT id, name, stock FROM products WHERE NOT archived AND stock <= $1 ORDER BY stock, id LIMIT $2',
      [LOW_STOCK, LOW_STOCK_SHOWN],
    ),
    // products_low_stock_idx: a range of the index, however large the catalogue.
    select<{ n: number }>('SELECT count(*)::int AS n FROM products WHERE NOT archived AND stock <= $1', [LOW_STOCK]),
    select<AuditRow>(
      `SELECT id, admin_id, action, target_type, target_id, details, created_at
         FROM admin_logs ORDER BY created_at DESC, id DESC LIMIT $1`,
      [RECENT_ACTIVITY],
    ),
  ]);
  const words = await describeAudit(activity);
  const today = days.at(-1)!;
  return {
    days,
    today: { orders: today.orders, revenue: today.revenue, ...counts! },
    low_stock: lowStock,
    low_stock_total: lowStockTotal!.n,
    low_stock_href: LOW_STOCK_HREF,
    recent_activity: activity.map((row, index) => ({
      id: row.id,
      created_at: new Date(row.created_at).toISOString(),
      admin: words[index]!.admin_label,
      action: row.action,
      target_type: row.target_type,
      target_id: row.target_id,
      line: words[index]!.line,
      summary: words[index]!.summary,
      target_label: words[index]!.target_label,
      target_href: words[index]!.target_href,
    })),
    currency: config.admin.currency,
  };
}
