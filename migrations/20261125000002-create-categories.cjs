'use strict';

/** categories: the shop's departments, shown in sort_order then name. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'categories',
        {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          name: { type: Sequelize.STRING(100), allowNull: false, unique: true },
          description: { type: Sequelize.TEXT, allowNull: true },
          sort_order: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
          created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
          updated_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
        },
        { transaction },
      );
      await queryInterface.sequelize.query(
        `ALTER TABLE categories ADD CONSTRAINT categories_name_not_blank CHECK (btrim(name) <> '');
         CREATE INDEX categories_sort_idx ON categories (sort_order, name);`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('categories');
  },
};
