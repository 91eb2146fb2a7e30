'use strict';

const { id, timestamps, createTable } = require('../db/migration-helpers.cjs');

/** categories: the shop's departments, shown in sort_order then name. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'categories',
      {
        id: id(Sequelize),
        name: { type: Sequelize.STRING(100), allowNull: false, unique: true },
        description: { type: Sequelize.TEXT, allowNull: true },
        sort_order: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE categories ADD CONSTRAINT categories_name_not_blank CHECK (btrim(name) <> '');
     CREATE INDEX categories_sort_idx ON categories (sort_order, name);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('categories');
  },
};
