'use strict';

/**
 * Every page of a product list is read from one index: each sort has a
 * partial index (WHERE NOT archived) catalog-wide and per category, and each
 * carries price and stock (INCLUDE), so the list's filters are checked in
 * the index too. The list reads a page's ids from the index alone (an
 * index-only scan) and then only those rows.
 *
 * Measured at 1M products: page 500 of a category sorted by price walked the
 * catalog-wide price index and skipped the other categories' rows (80,000
 * rows, 300 ms); now 10,000 index entries and 20 rows (2-3 ms). A narrow
 * price range sorted by newest read 8,000 rows to find 20 (84 ms); now
 * 8,000 index entries (2 ms).
 *
 * The five catalog-wide and the newest-per-category indexes of
 * 20261125000003 are rebuilt with the INCLUDE columns (same names); price,
 * rating, sales and name per category are new. Built in the migration's
 * transaction, so writes to products wait meanwhile: about 20 s at 1M
 * products on a 2-core machine (reads go on until the old indexes are
 * swapped at the end).
 */
const COVER = 'INCLUDE (price, stock) WHERE NOT archived';
const INDEXES = {
  products_newest_idx: `(created_at DESC, id DESC) ${COVER}`,
  products_price_idx: '(price, id) INCLUDE (stock) WHERE NOT archived',
  products_name_idx: `(name, id) ${COVER}`,
  products_rating_idx: `(rating_avg DESC, id) ${COVER}`,
  products_sales_idx: `(sales_count DESC, id) ${COVER}`,
  products_category_idx: `(category_id, created_at DESC, id DESC) ${COVER}`,
  products_category_price_idx: '(category_id, price, id) INCLUDE (stock) WHERE NOT archived',
  products_category_name_idx: `(category_id, name, id) ${COVER}`,
  products_category_rating_idx: `(category_id, rating_avg DESC, id) ${COVER}`,
  products_category_sales_idx: `(category_id, sales_count DESC, id) ${COVER}`,
};
/** The indexes of 20261125000003 that this migration rebuilds, as they were. */
const PREVIOUS = {
  products_newest_idx: '(created_at DESC, id DESC) WHERE NOT archived',
  products_price_idx: '(price, id) WHERE NOT archived',
  products_name_idx: '(name, id) WHERE NOT archived',
  products_rating_idx: '(rating_avg DESC, id) WHERE NOT archived',
  products_sales_idx: '(sales_count DESC, id) WHERE NOT archived',
  products_category_idx: '(category_id, created_at DESC, id DESC) WHERE NOT archived',
};

/** Builds `indexes` under temporary names, then drops whatever has their names and takes them. */
async function build(queryInterface, indexes) {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const run = (sql) => queryInterface.sequelize.query(sql, { transaction });
    for (const [name, definition] of Object.entries(indexes)) {
      await run(`CREATE INDEX ${name}_new ON products ${definition}`);
    }
    for (const name of Object.keys(indexes)) {
      await run(`DROP INDEX IF EXISTS ${name}`);
      await run(`ALTER INDEX ${name}_new RENAME TO ${name}`);
    }
  });
}

module.exports = {
  async up(queryInterface) {
    await build(queryInterface, INDEXES);
  },

  async down(queryInterface) {
    const added = Object.keys(INDEXES).filter((name) => !(name in PREVIOUS));
    await queryInterface.sequelize.query(`DROP INDEX ${added.join(', ')}`);
    await build(queryInterface, PREVIOUS);
  },
};
