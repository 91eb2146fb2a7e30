'use strict';

const { id, timestamps, createTable } = require('../db/migration-helpers.cjs');

/** users: shoppers and staff. Usernames and emails are unique case-insensitively. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'users',
      {
        id: id(Sequelize),
        username: { type: Sequelize.STRING(50), allowNull: false },
        email: { type: Sequelize.STRING(255), allowNull: false },
        password_hash: { type: Sequelize.STRING(100), allowNull: false },
        phone: { type: Sequelize.STRING(32), allowNull: true },
        role: { type: Sequelize.STRING(16), allowNull: false, defaultValue: 'customer' },
        is_active: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE users
       ADD CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin')),
       ADD CONSTRAINT users_username_not_blank CHECK (btrim(username) <> ''),
       ADD CONSTRAINT users_email_not_blank CHECK (btrim(email) <> '');
     CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
     CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('users');
  },
};
