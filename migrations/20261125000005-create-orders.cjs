'use strict';

const { id, foreignKey, timestamps, createTable } = require('../db/migration-helpers.cjs');

/**
 * orders: one checkout. status follows pending -> paid -> shipped -> completed,
 * or pending|paid -> cancelled (enforced by the order service; the CHECK only
 * keeps the value in the known set). idempotency_key is unique per user so a
 * retried checkout can never create a second order.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'orders',
      {
        id: id(Sequelize),
        user_id: foreignKey(Sequelize, 'users', 'RESTRICT'),
        total_amount: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
        status: { type: Sequelize.STRING(16), allowNull: false, defaultValue: 'pending' },
        shipping_address: { type: Sequelize.TEXT, allowNull: false },
        idempotency_key: { type: Sequelize.STRING(255), allowNull: true },
        paid_at: { type: Sequelize.DATE, allowNull: true },
        shipped_at: { type: Sequelize.DATE, allowNull: true },
        completed_at: { type: Sequelize.DATE, allowNull: true },
        cancelled_at: { type: Sequelize.DATE, allowNull: true },
        ...timestamps(Sequelize),
      },
      `ALTER TABLE orders
       ADD CONSTRAINT orders_total_nonnegative CHECK (total_amount >= 0),
       ADD CONSTRAINT orders_status_check
         CHECK (status IN ('pending', 'paid', 'shipped', 'completed', 'cancelled')),
       ADD CONSTRAINT orders_shipping_address_not_blank CHECK (btrim(shipping_address) <> ''),
       ADD CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key);
     CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
     CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);
     CREATE INDEX orders_created_idx ON orders (created_at DESC);`,
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('orders');
  },
};
