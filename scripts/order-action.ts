/**
 * Staff order actions from the command line, through the same order service
 * as the admin panel (same transition rules, same stock handling, audited
 * under the staff account given, ADMIN_EMAIL by default):
 *
 *   npm run order -- ship 42 [--admin boss@example.com]
 *   npm run order -- complete 42
 *   npm run order -- cancel 42
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { sequelize } from '../src/db.js';
import { User } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { ORDER_ACTIONS, type OrderAction, transitionOrder } from '../src/services/order-service.js';
import { matchesIgnoringCase } from '../src/services/user-service.js';

(createRequire(import.meta.url)('../db/env.cjs') as { loadEnvFiles(): void }).loadEnvFiles();
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { admin: { type: 'string', default: process.env.ADMIN_EMAIL } },
});
const [action, id] = positionals;
const staffActions = (Object.keys(ORDER_ACTIONS) as OrderAction[]).filter((name) =>
  (ORDER_ACTIONS[name].by as readonly string[]).includes('staff'),
);

if (!action || !staffActions.includes(action as OrderAction) || !/^\d+$/.test(id ?? '') || !values.admin) {
  console.error(`usage: npm run order -- <${staffActions.join('|')}> <order id> [--admin <staff e-mail>]`);
  process.exit(2);
}

try {
  const admin = await User.findOne({ where: matchesIgnoringCase('email', values.admin) });
  if (!admin || admin.role !== 'admin' || !admin.is_active)
    throw new Error(`${values.admin} is not an active staff account`);
  const order = await transitionOrder(Number(id), action as OrderAction, { kind: 'staff', adminId: admin.id });
  console.log(`order ${order.id} is now ${order.status} (by ${admin.email})`);
} catch (error) {
  console.error(`order ${id}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await sequelize.close();
}
