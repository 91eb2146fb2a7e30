'use strict';

/** users: shoppers and staff. Usernames and emails are unique case-insensitively. */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'users',
        {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          username: { type: Sequelize.STRING(50), allowNull: false },
          email: { type: Sequelize.STRING(255), allowNull: false },
          password_hash: { type: Sequelize.STRING(100), allowNull: false },
          phone: { type: Sequelize.STRING(32), allowNull: true },
          role: { type: Sequelize.STRING(16), allowNull: false, defaultValue: 'customer' },
          is_active: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },
          created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
          updated_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
        },
        { transaction },
      );
      await queryInterface.sequelize.query(
        `ALTER TABLE users
           ADD CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin')),
           ADD CONSTRAINT users_username_not_blank CHECK (btrim(username) <> ''),
           ADD CONSTRAINT users_email_not_blank CHECK (btrim(email) <> '');
         CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
         CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('users');
  },
};
