/** Column definitions every model shares. */
import { DataTypes } from 'sequelize';

/** `id SERIAL PRIMARY KEY`. */
export const idColumn = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true } as const;

/** created_at / updated_at, set by Sequelize (and defaulted to now() by the migrations). */
export const timestampColumns = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE } as const;
