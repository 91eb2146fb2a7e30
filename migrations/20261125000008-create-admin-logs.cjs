'use strict';

const { id, foreignKey, timestamp, createTable } = require('../db/migration-helpers.cjs');

/**
 * admin_logs: the audit trail of every change made in the admin panel.
 * Append-only, enforced by PostgreSQL: a trigger rejects UPDATE and DELETE.
 * An admin who has log rows cannot be deleted (deactivate them instead).
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await createTable(
      queryInterface,
      'admin_logs',
      {
        id: id(Sequelize),
        admin_id: foreignKey(Sequelize, 'users', 'RESTRICT'),
        action: { type: Sequelize.STRING(64), allowNull: false },
        target_type: { type: Sequelize.STRING(64), allowNull: false },
        target_id: { type: Sequelize.STRING(64), allowNull: true },
        details: { type: Sequelize.JSONB, allowNull: false, defaultValue: {} },
        created_at: timestamp(Sequelize),
      },
      `ALTER TABLE admin_logs
       ADD CONSTRAINT admin_logs_details_object CHECK (jsonb_typeof(details) = 'object');
     CREATE INDEX admin_logs_created_idx ON admin_logs (created_at DESC, id DESC);
     CREATE INDEX admin_logs_admin_idx ON admin_logs (admin_id, created_at DESC);
     CREATE INDEX admin_logs_target_idx ON admin_logs (target_type, target_id);
     CREATE FUNCTION admin_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'admin_logs is append-only: % is not allowed', TG_OP
         USING ERRCODE = 'insufficient_privilege';
     END;
     $$;
     CREATE TRIGGER admin_logs_append_only
       BEFORE UPDATE OR DELETE ON admin_logs
       FOR EACH ROW EXECUTE FUNCTION admin_logs_append_only();`,
    );
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.dropTable('admin_logs', { transaction });
      await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS admin_logs_append_only()', { transaction });
    });
  },
};
