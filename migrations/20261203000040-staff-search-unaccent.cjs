'use strict';

/**
 * The staff panel's search ignores accents as well as case, and its range
 * filters have indexes, so that they cost the same at 1M products and 1M
 * orders as at a thousand:
 *
 * - f_unaccent(text): unaccent (PostgreSQL contrib) with its dictionary
 *   named, so that it can be IMMUTABLE (unaccent itself is only STABLE: it
 *   reads the dictionary through search_path) and indexed. The panel's text
 *   filters are `f_unaccent(column) ILIKE f_unaccent('%text%')`: "lamp",
 *   "LAMP" and "lámp" all find "Desk Lamp" and "Lámpara".
 * - The trigram indexes of 20261202000030 on products.name, users.email and
 *   users.username are replaced by the same indexes on f_unaccent(column),
 *   which serve that expression (no other query reads the old ones); and
 *   users.phone gets one, for the users list's phone search. The name index
 *   keeps 300 statistics buckets (the reason is in 20261202000030: the
 *   planner estimates a name part's matches from the index expression's
 *   statistics now).
 * - products (stock, id) and (price, id) over all rows: the panel lists
 *   archived products too, so the catalogue's partial indexes (WHERE NOT
 *   archived) serve its range filters only when staff also pick "not
 *   archived" (the dashboard's low-stock link does, and
 *   products_low_stock_idx serves it). Without them, "stock up to 5" at 1M
 *   products counted by reading ~33,000 rows. Stock already changes in
 *   several indexes on every checkout (its updates are never HOT), so one
 *   more costs one index entry.
 * - orders (total_amount, id): the orders list's amount range. Status and
 *   date ranges have orders_status_created_idx and orders_created_idx.
 *
 * Built CONCURRENTLY, one statement each, outside a transaction, as in
 * 20261202000030 (checkout keeps writing meanwhile; ~30 s at 1M products and
 * 1M orders on a 2-core machine); each index is dropped first in case a
 * failed run left an invalid one. categories.name needs no index: the table
 * holds tens of rows.
 */
const INDEXES = {
  products_name_unaccent_trgm_idx: 'products USING gin (f_unaccent(name) gin_trgm_ops) WITH (fastupdate = off)',
  users_email_unaccent_trgm_idx: 'users USING gin (f_unaccent(email) gin_trgm_ops) WITH (fastupdate = off)',
  users_username_unaccent_trgm_idx: 'users USING gin (f_unaccent(username) gin_trgm_ops) WITH (fastupdate = off)',
  users_phone_unaccent_trgm_idx: 'users USING gin (f_unaccent(phone) gin_trgm_ops) WITH (fastupdate = off)',
  products_panel_stock_idx: 'products (stock, id)',
  products_panel_price_idx: 'products (price, id)',
  orders_total_idx: 'orders (total_amount, id)',
};
/** The indexes of 20261202000030 that these replace, as they were. */
const REPLACED = {
  products_name_trgm_idx: 'products USING gin (name gin_trgm_ops) WITH (fastupdate = off)',
  users_email_trgm_idx: 'users USING gin (email gin_trgm_ops) WITH (fastupdate = off)',
  users_username_trgm_idx: 'users USING gin (username gin_trgm_ops) WITH (fastupdate = off)',
};

/** Builds `indexes` one by one, concurrently, replacing any left-over index of the same name. */
async function build(run, indexes) {
  for (const [name, definition] of Object.entries(indexes)) {
    await run(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await run(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
  }
}

module.exports = {
  async up(queryInterface) {
    const run = (sql) => queryInterface.sequelize.query(sql);
    await run(
      `CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
       CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;`,
    );
    await build(run, INDEXES);
    await run('ALTER INDEX products_name_unaccent_trgm_idx ALTER COLUMN 1 SET STATISTICS 300');
    // One at a time: DROP INDEX CONCURRENTLY takes a single index.
    for (const name of Object.keys(REPLACED)) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await run('ANALYZE products, users, orders');
  },

  async down(queryInterface) {
    const run = (sql) => queryInterface.sequelize.query(sql);
    await build(run, REPLACED);
    await run(
      `DROP INDEX IF EXISTS ${Object.keys(INDEXES).join(', ')};
       DROP FUNCTION IF EXISTS public.f_unaccent(text);
       DROP EXTENSION IF EXISTS unaccent;`,
    );
  },
};
