'use strict';

/**
 * order_items: the lines of an order, with the product's name and unit price
 * snapshotted at purchase time. One line per product per order; the subtotal
 * is checked against price x quantity by PostgreSQL itself.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'order_items',
        {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          order_id: {
            type: Sequelize.INTEGER,
            allowNull: false,
            references: { model: 'orders', key: 'id' },
            onUpdate: 'CASCADE',
            onDelete: 'CASCADE',
          },
          product_id: {
            type: Sequelize.INTEGER,
            allowNull: false,
            references: { model: 'products', key: 'id' },
            onUpdate: 'CASCADE',
            onDelete: 'RESTRICT',
          },
          product_name: { type: Sequelize.STRING(200), allowNull: false },
          quantity: { type: Sequelize.INTEGER, allowNull: false },
          price: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
          subtotal: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
        },
        { transaction },
      );
      await queryInterface.sequelize.query(
        `ALTER TABLE order_items
           ADD CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
           ADD CONSTRAINT order_items_price_positive CHECK (price > 0),
           ADD CONSTRAINT order_items_subtotal_exact CHECK (subtotal = price * quantity),
           ADD CONSTRAINT order_items_order_product_key UNIQUE (order_id, product_id);
         CREATE INDEX order_items_product_idx ON order_items (product_id);`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('order_items');
  },
};
