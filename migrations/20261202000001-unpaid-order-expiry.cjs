'use strict';

/**
 * Unpaid orders stop holding stock forever:
 *
 * - orders.expires_at: until when a pending order holds its stock (set at
 *   checkout to now + PENDING_ORDER_TTL_MINUTES; existing pending orders get
 *   30 minutes from their creation). A partial index serves the expiry sweep.
 * - orders.cancel_reason: who or what cancelled an order (shopper, staff, or
 *   expired: not paid in time).
 * - users.pending_orders: how many pending orders the user holds, kept by a
 *   trigger on orders for every writer. Checkout reads it under the user's
 *   row lock, so the per-shopper limit (MAX_PENDING_ORDERS) holds however many
 *   checkouts of one shopper run at once: a count(*) in the checkout would see
 *   the statement's snapshot, which misses a concurrent checkout that
 *   committed while this one waited for the lock.
 * - admin_logs.admin_id may be NULL: a change made by the system itself (the
 *   unpaid-order expiry), not by a staff member.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.sequelize.query(
        `ALTER TABLE orders
           ADD COLUMN expires_at timestamptz,
           ADD COLUMN cancel_reason varchar(16),
           ADD CONSTRAINT orders_cancel_reason_check
             CHECK (cancel_reason IS NULL OR (status = 'cancelled' AND cancel_reason IN ('shopper', 'staff', 'expired')));
         UPDATE orders SET expires_at = created_at + interval '30 minutes' WHERE status = 'pending';
         CREATE INDEX orders_pending_expiry_idx ON orders (expires_at) WHERE status = 'pending';

         ALTER TABLE users
           ADD COLUMN pending_orders integer NOT NULL DEFAULT 0,
           ADD CONSTRAINT users_pending_orders_nonnegative CHECK (pending_orders >= 0);
         UPDATE users u SET pending_orders = p.n
           FROM (SELECT user_id, count(*) AS n FROM orders WHERE status = 'pending' GROUP BY user_id) AS p
          WHERE u.id = p.user_id;

         CREATE FUNCTION orders_count_pending() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP <> 'INSERT' AND OLD.status = 'pending' THEN
             UPDATE users SET pending_orders = pending_orders - 1 WHERE id = OLD.user_id;
           END IF;
           IF TG_OP <> 'DELETE' AND NEW.status = 'pending' THEN
             UPDATE users SET pending_orders = pending_orders + 1 WHERE id = NEW.user_id;
           END IF;
           RETURN NULL;
         END;
         $$;
         CREATE TRIGGER orders_count_pending_insert AFTER INSERT ON orders
           FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION orders_count_pending();
         CREATE TRIGGER orders_count_pending_update AFTER UPDATE OF status, user_id ON orders
           FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.user_id IS DISTINCT FROM NEW.user_id)
           EXECUTE FUNCTION orders_count_pending();
         CREATE TRIGGER orders_count_pending_delete AFTER DELETE ON orders
           FOR EACH ROW WHEN (OLD.status = 'pending') EXECUTE FUNCTION orders_count_pending();

         ALTER TABLE admin_logs ALTER COLUMN admin_id DROP NOT NULL;`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      // The system's audit rows have no admin; the column can only be NOT NULL again without them
      // (the append-only trigger is lifted for that one statement).
      await queryInterface.sequelize.query(
        `ALTER TABLE admin_logs DISABLE TRIGGER admin_logs_append_only;
         DELETE FROM admin_logs WHERE admin_id IS NULL;
         ALTER TABLE admin_logs ENABLE TRIGGER admin_logs_append_only;
         ALTER TABLE admin_logs ALTER COLUMN admin_id SET NOT NULL;
         DROP TRIGGER orders_count_pending_insert ON orders;
         DROP TRIGGER orders_count_pending_update ON orders;
         DROP TRIGGER orders_count_pending_delete ON orders;
         DROP FUNCTION orders_count_pending();
         ALTER TABLE users DROP COLUMN pending_orders;
         ALTER TABLE orders DROP COLUMN cancel_reason, DROP COLUMN expires_at;`,
        { transaction },
      );
    });
  },
};
