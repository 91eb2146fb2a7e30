import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
} from 'sequelize';
import { sequelize } from '../db.js';
import { idColumn } from './columns.js';
import type { User } from './user.js';

/**
 * One audited change made in the admin panel, or by the system itself (then
 * `admin_id` is null: the expiry of unpaid orders). Append-only (PostgreSQL
 * rejects UPDATE and DELETE).
 */
export class AdminLog extends Model<InferAttributes<AdminLog>, InferCreationAttributes<AdminLog>> {
  declare id: CreationOptional<number>;
  declare admin_id: ForeignKey<User['id']> | null;
  declare action: string;
  declare target_type: string;
  declare target_id: string | null;
  declare details: CreationOptional<Record<string, unknown>>;
  declare created_at: CreationOptional<Date>;
}

AdminLog.init(
  {
    id: idColumn,
    admin_id: { type: DataTypes.INTEGER, allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    target_type: { type: DataTypes.STRING(64), allowNull: false },
    target_id: { type: DataTypes.STRING(64), allowNull: true },
    details: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
    created_at: DataTypes.DATE,
  },
  { sequelize, tableName: 'admin_logs', modelName: 'AdminLog', updatedAt: false },
);
