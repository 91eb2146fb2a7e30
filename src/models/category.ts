import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { sequelize } from '../db.js';
import { idColumn, timestampColumns } from './columns.js';

/** A department of the shop; listed by sort_order, then name. */
export class Category extends Model<InferAttributes<Category>, InferCreationAttributes<Category>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string | null;
  declare sort_order: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

Category.init(
  {
    id: idColumn,
    name: {
      type: DataTypes.STRING(100),
      allowNull: false,
      unique: true,
      validate: {
        notEmpty: { msg: 'Name is required' },
        len: { args: [1, 100], msg: 'Name must be 1 to 100 characters' },
      },
    },
    description: { type: DataTypes.TEXT, allowNull: true },
    sort_order: {
      type: DataTypes.INTEGER,
      allowNull: false,
      defaultValue: 0,
      validate: { isInt: { msg: 'Sort order must be a whole number' } },
    },
    ...timestampColumns,
  },
  { sequelize, tableName: 'categories', modelName: 'Category' },
);
