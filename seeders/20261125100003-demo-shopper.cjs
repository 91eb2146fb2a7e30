'use strict';
/**
 * The demo shopper: username "demo", email demo@emporium.local, password
 * DEMO_PASSWORD. Skipped when SEED_DEMO_DATA is false.
 */
const { seedDemoData, seedPassword, hash } = require('../db/seed-helpers.cjs');

const EMAIL = 'demo@emporium.local';

module.exports = {
  async up(queryInterface) {
    if (!seedDemoData()) return;
    // Demo data gives way to any account whose e-mail looks like it.
    const [existing] = await queryInterface.sequelize.query(
      'SELECT id FROM users WHERE email_skeleton = account_skeleton(:email)',
      { replacements: { email: EMAIL } },
    );
    if (existing.length > 0) return;
    const now = new Date();
    await queryInterface.bulkInsert('users', [
      {
        username: 'demo',
        email: EMAIL,
        password_hash: await hash(seedPassword('DEMO_PASSWORD')),
        phone: '+1 555 0100',
        role: 'customer',
        is_active: true,
        created_at: now,
        updated_at: now,
      },
    ]);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(
      `DELETE FROM users WHERE lower(email) = :email
         AND NOT EXISTS (SELECT 1 FROM orders WHERE user_id = users.id)`,
      { replacements: { email: EMAIL } },
    );
  },
};
