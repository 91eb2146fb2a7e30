'use strict';

const { id, foreignKey, timestamps, createTable } = require('../db/migration-helpers.cjs');

/** carts: one row per (shopper, product) line; quantity is always positive. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'carts',
      {
        id: id(Sequelize),
        user_id: foreignKey(Sequelize, 'users', 'CASCADE'),
        product_id: foreignKey(Sequelize, 'products', 'CASCADE'),
        quantity: { type: Sequelize.INTEGER, allowNull: false },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE carts
       ADD CONSTRAINT carts_quantity_positive CHECK (quantity > 0),
       ADD CONSTRAINT carts_user_product_key UNIQUE (user_id, product_id);
     CREATE INDEX carts_product_idx ON carts (product_id);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('carts');
  },
};
