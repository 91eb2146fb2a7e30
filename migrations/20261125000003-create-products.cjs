'use strict';

const { id, foreignKey, timestamps, createTable } = require('../db/migration-helpers.cjs');

/**
 * products: the catalog. Money is NUMERIC(12,2); stock can never go negative
 * (the last line of defence against oversell). A product that is on an order
 * is archived, never deleted (order_items restricts the delete).
 *
 * rating_avg / review_count / sales_count are kept up to date by the services
 * so that catalog sorts by rating and sales stay index scans on 100k rows.
 * search_vector is a generated tsvector (name weighted above description)
 * behind a GIN index for ranked full-text search.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'products',
      {
        id: id(Sequelize),
        name: { type: Sequelize.STRING(200), allowNull: false },
        description: { type: Sequelize.TEXT, allowNull: true },
        price: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
        stock: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
        category_id: foreignKey(Sequelize, 'categories', 'RESTRICT'),
        image_url: { type: Sequelize.STRING(500), allowNull: true },
        archived: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false },
        rating_avg: { type: Sequelize.DECIMAL(3, 2), allowNull: false, defaultValue: 0 },
        review_count: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
        sales_count: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE products
       ADD CONSTRAINT products_price_positive CHECK (price > 0),
       ADD CONSTRAINT products_stock_nonnegative CHECK (stock >= 0),
       ADD CONSTRAINT products_name_not_blank CHECK (btrim(name) <> ''),
       ADD CONSTRAINT products_rating_avg_range CHECK (rating_avg BETWEEN 0 AND 5),
       ADD CONSTRAINT products_review_count_nonnegative CHECK (review_count >= 0),
       ADD CONSTRAINT products_sales_count_nonnegative CHECK (sales_count >= 0),
       ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('english', name), 'A') ||
         setweight(to_tsvector('english', coalesce(description, '')), 'B')
       ) STORED;
     CREATE INDEX products_search_idx ON products USING GIN (search_vector);
     CREATE INDEX products_category_idx ON products (category_id, created_at DESC, id DESC) WHERE NOT archived;
     CREATE INDEX products_category_fk_idx ON products (category_id);
     CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE NOT archived;
     CREATE INDEX products_price_idx ON products (price, id) WHERE NOT archived;
     CREATE INDEX products_name_idx ON products (name, id) WHERE NOT archived;
     CREATE INDEX products_rating_idx ON products (rating_avg DESC, id) WHERE NOT archived;
     CREATE INDEX products_sales_idx ON products (sales_count DESC, id) WHERE NOT archived;
     CREATE INDEX products_low_stock_idx ON products (stock, id) WHERE NOT archived;`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('products');
  },
};
