import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
} from 'sequelize';
import { sequelize } from '../db.js';
import { idColumn, timestampColumns } from './columns.js';
import type { Product } from './product.js';
import type { User } from './user.js';

/** One line of a shopper's cart: unique per (user, product), quantity > 0. */
export class Cart extends Model<InferAttributes<Cart>, InferCreationAttributes<Cart>> {
  declare id: CreationOptional<number>;
  declare user_id: ForeignKey<User['id']>;
  declare product_id: ForeignKey<Product['id']>;
  declare quantity: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

Cart.init(
  {
    id: idColumn,
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    product_id: { type: DataTypes.INTEGER, allowNull: false },
    quantity: { type: DataTypes.INTEGER, allowNull: false },
    ...timestampColumns,
  },
  { sequelize, tableName: 'carts', modelName: 'Cart' },
);
