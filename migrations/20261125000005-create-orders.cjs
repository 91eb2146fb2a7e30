'use strict';

/**
 * orders: one checkout. status follows pending -> paid -> shipped -> completed,
 * or pending|paid -> cancelled (enforced by the order service; the CHECK only
 * keeps the value in the known set). idempotency_key is unique per user so a
 * retried checkout can never create a second order.
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.createTable(
        'orders',
        {
          id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
          user_id: {
            type: Sequelize.INTEGER,
            allowNull: false,
            references: { model: 'users', key: 'id' },
            onUpdate: 'CASCADE',
            onDelete: 'RESTRICT',
          },
          total_amount: { type: Sequelize.DECIMAL(12, 2), allowNull: false },
          status: { type: Sequelize.STRING(16), allowNull: false, defaultValue: 'pending' },
          shipping_address: { type: Sequelize.TEXT, allowNull: false },
          idempotency_key: { type: Sequelize.STRING(255), allowNull: true },
          paid_at: { type: Sequelize.DATE, allowNull: true },
          shipped_at: { type: Sequelize.DATE, allowNull: true },
          completed_at: { type: Sequelize.DATE, allowNull: true },
          cancelled_at: { type: Sequelize.DATE, allowNull: true },
          created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
          updated_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
        },
        { transaction },
      );
      await queryInterface.sequelize.query(
        `ALTER TABLE orders
           ADD CONSTRAINT orders_total_nonnegative CHECK (total_amount >= 0),
           ADD CONSTRAINT orders_status_check
             CHECK (status IN ('pending', 'paid', 'shipped', 'completed', 'cancelled')),
           ADD CONSTRAINT orders_shipping_address_not_blank CHECK (btrim(shipping_address) <> ''),
           ADD CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key);
         CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
         CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);
         CREATE INDEX orders_created_idx ON orders (created_at DESC);`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('orders');
  },
};
