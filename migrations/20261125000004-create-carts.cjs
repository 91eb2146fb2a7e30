'use strict';

/** carts: one row per (shopper, product) line; quantity is always positive. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'carts',
        {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          user_id: {
            type: Sequelize.INTEGER,
            allowNull: false,
            references: { model: 'users', key: 'id' },
            onUpdate: 'CASCADE',
            onDelete: 'CASCADE',
          },
          product_id: {
            type: Sequelize.INTEGER,
            allowNull: false,
            references: { model: 'products', key: 'id' },
            onUpdate: 'CASCADE',
            onDelete: 'CASCADE',
          },
          quantity: { type: Sequelize.INTEGER, allowNull: false },
          created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
          updated_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
        },
        { transaction },
      );
      await queryInterface.sequelize.query(
        `ALTER TABLE carts
           ADD CONSTRAINT carts_quantity_positive CHECK (quantity > 0),
           ADD CONSTRAINT carts_user_product_key UNIQUE (user_id, product_id);
         CREATE INDEX carts_product_idx ON carts (product_id);`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('carts');
  },
};
