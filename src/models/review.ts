import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
} from 'sequelize';
import { sequelize } from '../db.js';
import { RATING, validatorFor } from '../rules.js';
import { idColumn, timestampColumns } from './columns.js';
import type { Order } from './order.js';
import type { Product } from './product.js';
import type { User } from './user.js';

/** A shopper's rating (1..5) of a product from one of their completed orders. */
export class Review extends Model<InferAttributes<Review>, InferCreationAttributes<Review>> {
  declare id: CreationOptional<number>;
  declare user_id: ForeignKey<User['id']>;
  declare order_id: ForeignKey<Order['id']>;
  declare product_id: ForeignKey<Product['id']>;
  declare rating: number;
  declare content: string | null;
  declare images: CreationOptional<string[]>;
  declare visible: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

Review.init(
  {
    id: idColumn,
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    order_id: { type: DataTypes.INTEGER, allowNull: false },
    product_id: { type: DataTypes.INTEGER, allowNull: false },
    rating: { type: DataTypes.SMALLINT, allowNull: false, validate: { isRating: validatorFor(RATING) } },
    content: { type: DataTypes.TEXT, allowNull: true },
    images: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
    visible: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestampColumns,
  },
  { sequelize, tableName: 'reviews', modelName: 'Review' },
);
