'use strict';
/**
 * The first staff account, from ADMIN_EMAIL / ADMIN_PASSWORD. Does nothing if
 * a user with that email already exists (it never resets a password).
 */
const { required, seedPassword, hash } = require('../db/seed-helpers.cjs');

module.exports = {
  async up(queryInterface) {
    const email = required('ADMIN_EMAIL', 'the staff e-mail address').trim();
    const [existing] = await queryInterface.sequelize.query('SELECT id FROM users WHERE lower(email) = lower(:email)', {
      replacements: { email },
    });
    if (existing.length > 0) return;
    const now = new Date();
    await queryInterface.bulkInsert('users', [
      {
        username: 'admin',
        email,
        password_hash: await hash(seedPassword('ADMIN_PASSWORD')),
        role: 'admin',
        is_active: true,
        created_at: now,
        updated_at: now,
      },
    ]);
  },

  async down(queryInterface) {
    const email = required('ADMIN_EMAIL', 'the staff e-mail address').trim();
    await queryInterface.sequelize.query(
      `DELETE FROM users WHERE lower(email) = lower(:email) AND role = 'admin'
         AND NOT EXISTS (SELECT 1 FROM admin_logs WHERE admin_id = users.id)`,
      { replacements: { email } },
    );
  },
};
