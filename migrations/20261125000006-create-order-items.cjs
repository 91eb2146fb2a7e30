'use strict';

const { id, foreignKey, createTable } = require('../db/migration-helpers.cjs');

/**
 * order_items: the lines of an order, with the product's name and unit price
 * snapshotted at purchase time. One line per product per order; the subtotal
 * is checked against price x quantity by PostgreSQL itself.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'order_items',
      {
        id: id(Sequelize),
        order_id: foreignKey(Sequelize, 'orders', 'CASCADE'),
        product_id: foreignKey(Sequelize, 'products', 'RESTRICT'),
        product_name: { type: Sequelize.STRING(200), allowNull: false },
        quantity: { type: Sequelize.INTEGER, allowNull: false },
        price: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
        subtotal: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
      },
      `ALTER TABLE order_items
       ADD CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
       ADD CONSTRAINT order_items_price_positive CHECK (price > 0),
       ADD CONSTRAINT order_items_subtotal_exact CHECK (subtotal = price * quantity),
       ADD CONSTRAINT order_items_order_product_key UNIQUE (order_id, product_id);
     CREATE INDEX order_items_product_idx ON order_items (product_id);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('order_items');
  },
};
