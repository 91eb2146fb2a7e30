import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { sequelize } from '../db.js';
import { PHONE, USERNAME } from './validators.js';
import { idColumn, timestampColumns } from './columns.js';

/** Who a user is to the shop: a shopper, or staff with access to the admin panel. */
export type UserRole = 'customer' | 'admin';

/** A shopper or staff account. `passwordHash` is a bcrypt hash and never leaves the server. */
export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare email: string;
  declare password_hash: string;
  declare phone: string | null;
  declare role: CreationOptional<UserRole>;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  /** Serialised users (the admin panel's records, logs, any JSON) never carry the password hash. */
  override toJSON<T extends object>(): T {
    const { password_hash: _hash, ...rest } = this.get({ plain: true });
    return rest as T;
  }
}

User.init(
  {
    id: idColumn,
    username: { type: DataTypes.STRING(50), allowNull: false, validate: { is: USERNAME } },
    email: { type: DataTypes.STRING(255), allowNull: false, validate: { isEmail: true } },
    password_hash: { type: DataTypes.STRING(100), allowNull: false },
    phone: { type: DataTypes.STRING(32), allowNull: true, validate: { is: PHONE } },
    role: {
      type: DataTypes.STRING(16),
      allowNull: false,
      defaultValue: 'customer',
      validate: { isIn: [['customer', 'admin']] },
    },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestampColumns,
  },
  { sequelize, tableName: 'users', modelName: 'User' },
);
