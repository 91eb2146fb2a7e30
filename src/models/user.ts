import { createRequire } from 'node:module';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Transaction,
} from 'sequelize';
import { sequelize } from '../db.js';
import { EMAIL, PHONE, ROLE, type UserRole, USERNAME, validatorFor } from '../rules.js';
import { announceUsersChanged } from './user-changes.js';
import { idColumn, timestampColumns } from './columns.js';

const { normalizeAccountName } = createRequire(import.meta.url)('../../db/account-names.cjs') as {
  normalizeAccountName: <T>(value: T) => T;
};

export { USER_ROLES, type UserRole } from '../rules.js';

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
    // Normalised as soon as they are set, so the rules below, the services' look-alike checks and the
    // stored row all see the same text (the admin panel's forms included).
    username: {
      type: DataTypes.STRING(50),
      allowNull: false,
      validate: { isUsername: validatorFor(USERNAME) },
      set(value: string) {
        this.setDataValue('username', normalizeAccountName(value));
      },
    },
    email: {
      type: DataTypes.STRING(255),
      allowNull: false,
      // NFKC can lengthen what the request schema measured (ﬃ is three letters): the rule measures after it.
      validate: { isAddress: validatorFor(EMAIL) },
      set(value: string) {
        this.setDataValue('email', normalizeAccountName(value));
      },
    },
    password_hash: { type: DataTypes.STRING(100), allowNull: false },
    phone: { type: DataTypes.STRING(32), allowNull: true, validate: { isPhone: validatorFor(PHONE) } },
    role: {
      type: DataTypes.STRING(16),
      allowNull: false,
      defaultValue: 'customer',
      validate: { isRole: validatorFor(ROLE) },
    },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestampColumns,
  },
  { sequelize, tableName: 'users', modelName: 'User' },
);

/** Runs `work` once `transaction` commits, or now when there is none. */
async function onceCommitted(transaction: Transaction | null | undefined, work: () => Promise<void>): Promise<void> {
  if (transaction) transaction.afterCommit(work);
  else await work();
}

// Any write to an account makes copies of its row (the auth layer's caller cache) stale: say so once
// the write is committed (earlier would let a request cache the old row again meanwhile).
User.afterSave((user, { transaction }) => onceCommitted(transaction, () => announceUsersChanged([user.id])));
User.afterDestroy((user, { transaction }) => onceCommitted(transaction, () => announceUsersChanged([user.id])));
User.afterBulkUpdate(({ transaction }) => onceCommitted(transaction, () => announceUsersChanged()));
User.afterBulkDestroy(({ transaction }) => onceCommitted(transaction, () => announceUsersChanged()));
