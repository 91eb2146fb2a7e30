'use strict';

/**
 * orders.idempotency_fingerprint: a SHA-256 of the checkout request that
 * used the order's Idempotency-Key, so a retry with the same key but a
 * different body can be told apart (422) from a true retry, durably.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(
      `ALTER TABLE orders
         ADD COLUMN idempotency_fingerprint CHAR(64),
         ADD CONSTRAINT orders_idempotency_pair CHECK ((idempotency_key IS NULL) = (idempotency_fingerprint IS NULL))`,
    );
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('ALTER TABLE orders DROP COLUMN idempotency_fingerprint');
  },
};
