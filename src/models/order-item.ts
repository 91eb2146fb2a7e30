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
import type { Order } from './order.js';
import type { Product } from './product.js';

/** One line of an order, with the product's name and unit price as they were at checkout. */
export class OrderItem extends Model<InferAttributes<OrderItem>, InferCreationAttributes<OrderItem>> {
  declare id: CreationOptional<number>;
  declare order_id: ForeignKey<Order['id']>;
  declare product_id: ForeignKey<Product['id']>;
  declare product_name: string;
  declare quantity: number;
  declare price: string;
  declare subtotal: string;
}

OrderItem.init(
  {
    id: idColumn,
    order_id: { type: DataTypes.INTEGER, allowNull: false },
    product_id: { type: DataTypes.INTEGER, allowNull: false },
    product_name: { type: DataTypes.STRING(200), allowNull: false },
    quantity: { type: DataTypes.INTEGER, allowNull: false },
    price: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
    subtotal: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
  },
  { sequelize, tableName: 'order_items', modelName: 'OrderItem', timestamps: false },
);
