'use strict';

/**
 * The catalog is read far more than it is written, so the full-text index
 * skips GIN's "pending list": with it, fresh rows wait in an unsorted list
 * that every search must scan and that makes the planner price the index out
 * (a sequential scan after a bulk load). Inserts pay a little more instead.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(
      `ALTER INDEX products_search_idx SET (fastupdate = off);
       SELECT gin_clean_pending_list('products_search_idx'::regclass);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('ALTER INDEX products_search_idx RESET (fastupdate)');
  },
};
