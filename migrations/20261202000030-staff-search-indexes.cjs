'use strict';

/**
 * Indexes for the staff panel's lists and dashboard, so that they cost the
 * same at 1M products and 1M orders as at a thousand:
 *
 * - products.name, users.email, users.username: trigram GIN indexes
 *   (pg_trgm), which serve the panel's case-insensitive substring filters
 *   (`name ILIKE '%lamp%'`) and the orders list's customer search. Without
 *   them a name filter read all 1M products (355-860 ms). Like the catalog's
 *   full-text index, they skip GIN's pending list (fastupdate off): fresh
 *   rows would otherwise wait in an unsorted list that every search scans.
 * - products.name keeps a finer histogram (statistics target 300, not 100):
 *   the planner estimates a substring's matches from it, and with 100
 *   buckets any name part rarer than 1 in 100 looked like 100 rows in 1M.
 *   "aurora pro" (5,050 of 1M) was then fetched in full and sorted, 5,000
 *   scattered heap pages; with 300 the planner walks the list's own order
 *   and stops at the page's 10th match (~100 pages). ANALYZE of products
 *   takes ~1.3 s instead of ~0.6 s at 1M rows.
 * - users.created_at: the dashboard's "new customers today" is a range scan
 *   instead of a scan of every account.
 *
 * Built CONCURRENTLY, one statement each, outside a transaction: the four
 * take ~20 s at 1M products and 100k users on a 2-core machine, and checkout
 * must keep writing stock meanwhile. A run that failed half-way may have left
 * an invalid index behind, so each one is dropped first and built afresh.
 *
 * pg_trgm may already be there (the catalog's migration 20261202000022
 * creates it too); its own down removes it, so this one leaves it alone.
 */
const INDEXES = {
  products_name_trgm_idx: 'products USING gin (name gin_trgm_ops) WITH (fastupdate = off)',
  users_email_trgm_idx: 'users USING gin (email gin_trgm_ops) WITH (fastupdate = off)',
  users_username_trgm_idx: 'users USING gin (username gin_trgm_ops) WITH (fastupdate = off)',
  users_created_idx: 'users (created_at)',
};

module.exports = {
  async up(queryInterface) {
    const run = (sql) => queryInterface.sequelize.query(sql);
    await run('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    for (const [name, definition] of Object.entries(INDEXES)) {
      await run(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await run(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
    }
    await run('ALTER TABLE products ALTER COLUMN name SET STATISTICS 300');
    await run('ANALYZE products (name)');
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(
      `DROP INDEX IF EXISTS ${Object.keys(INDEXES).join(', ')};
       ALTER TABLE products ALTER COLUMN name SET STATISTICS -1;`,
    );
  },
};
