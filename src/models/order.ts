import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
} from 'sequelize';
import { sequelize } from '../db.js';
import { ORDER_STATUS, type OrderStatus, validatorFor } from '../rules.js';
import { idColumn, timestampColumns } from './columns.js';
import type { User } from './user.js';

export { ORDER_STATUSES, type OrderStatus } from '../rules.js';

/** Who or what cancelled an order: its shopper, staff, or the expiry of an unpaid order. */
export type CancelReason = 'shopper' | 'staff' | 'expired';

/** A checkout: the shopper's lines, their exact total and where the order stands. */
export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: CreationOptional<number>;
  declare user_id: ForeignKey<User['id']>;
  declare total_amount: string;
  declare status: CreationOptional<OrderStatus>;
  declare shipping_address: string;
  declare idempotency_key: string | null;
  declare idempotency_fingerprint: string | null;
  declare paid_at: Date | null;
  declare shipped_at: Date | null;
  declare completed_at: Date | null;
  declare cancelled_at: Date | null;
  declare expires_at: Date | null;
  declare cancel_reason: CancelReason | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

Order.init(
  {
    id: idColumn,
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    total_amount: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
    status: {
      type: DataTypes.STRING(16),
      allowNull: false,
      defaultValue: 'pending',
      validate: { isStatus: validatorFor(ORDER_STATUS) },
    },
    shipping_address: { type: DataTypes.TEXT, allowNull: false },
    idempotency_key: { type: DataTypes.STRING(255), allowNull: true },
    idempotency_fingerprint: { type: DataTypes.CHAR(64), allowNull: true },
    paid_at: { type: DataTypes.DATE, allowNull: true },
    shipped_at: { type: DataTypes.DATE, allowNull: true },
    completed_at: { type: DataTypes.DATE, allowNull: true },
    cancelled_at: { type: DataTypes.DATE, allowNull: true },
    expires_at: { type: DataTypes.DATE, allowNull: true },
    cancel_reason: { type: DataTypes.STRING(16), allowNull: true },
    ...timestampColumns,
  },
  { sequelize, tableName: 'orders', modelName: 'Order' },
);
