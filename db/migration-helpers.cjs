'use strict';
/**
 * Column shapes the migrations share. Migrations are history: never change
 * what an existing helper produces; add a new helper instead.
 */

/** `id SERIAL PRIMARY KEY`. */
const id = (Sequelize) => ({ type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true });

/** A NOT NULL integer foreign key to `table(id)`; `onDelete` is RESTRICT or CASCADE. */
const foreignKey = (Sequelize, table, onDelete) => ({
  type: Sequelize.INTEGER,
  allowNull: false,
  references: { model: table, key: 'id' },
  onUpdate: 'CASCADE',
  onDelete,
});

/** A NOT NULL timestamptz defaulting to now(). */
const timestamp = (Sequelize) => ({ type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') });

/** created_at and updated_at. */
const timestamps = (Sequelize) => ({ created_at: timestamp(Sequelize), updated_at: timestamp(Sequelize) });

/**
 * Creates `table` with `columns`, then runs `sql` (constraints, indexes), in
 * one transaction: a failed migration leaves nothing half-made.
 */
async function createTable(queryInterface, table, columns, sql) {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.createTable(table, columns, { transaction });
    await queryInterface.sequelize.query(sql, { transaction });
  });
}

module.exports = { id, foreignKey, timestamp, timestamps, createTable };
