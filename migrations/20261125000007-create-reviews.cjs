'use strict';

const { id, foreignKey, timestamps, createTable } = require('../db/migration-helpers.cjs');

/**
 * reviews: one per product per order, and only for a product that is on that
 * order (composite foreign key to order_items). images is a JSONB array of at
 * most 9 URLs; visible lets staff hide a review without deleting it.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'reviews',
      {
        id: id(Sequelize),
        user_id: foreignKey(Sequelize, 'users', 'CASCADE'),
        order_id: foreignKey(Sequelize, 'orders', 'CASCADE'),
        product_id: foreignKey(Sequelize, 'products', 'RESTRICT'),
        rating: { type: Sequelize.SMALLINT, allowNull: false },
        content: { type: Sequelize.TEXT, allowNull: true },
        images: { type: Sequelize.JSONB, allowNull: false, defaultValue: [] },
        visible: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE reviews
       ADD CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5),
       ADD CONSTRAINT reviews_content_length CHECK (char_length(content) <= 2000),
       ADD CONSTRAINT reviews_images_array CHECK (
         CASE WHEN jsonb_typeof(images) = 'array' THEN jsonb_array_length(images) <= 9 ELSE false END
       ),
       ADD CONSTRAINT reviews_order_product_key UNIQUE (order_id, product_id),
       ADD CONSTRAINT reviews_order_item_fkey FOREIGN KEY (order_id, product_id)
         REFERENCES order_items (order_id, product_id) ON UPDATE CASCADE ON DELETE CASCADE;
     CREATE INDEX reviews_product_visible_idx ON reviews (product_id, created_at DESC, id DESC) WHERE visible;
     CREATE INDEX reviews_product_idx ON reviews (product_id);
     CREATE INDEX reviews_user_idx ON reviews (user_id);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('reviews');
  },
};
