/**
 * Staff order actions from the command line, through the same order service
 * as the API and the admin panel (same transition rules, same stock
 * handling):
 *
 *   npm run order -- ship 42
 *   npm run order -- complete 42
 *   npm run order -- cancel 42
 */
import { sequelize } from '../src/db.js';
import { redis } from '../src/redis.js';
import { ORDER_ACTIONS, type OrderAction, transitionOrder } from '../src/services/order-service.js';

const [action, id] = process.argv.slice(2);
const staffActions = (Object.keys(ORDER_ACTIONS) as OrderAction[]).filter((name) =>
  (ORDER_ACTIONS[name].by as readonly string[]).includes('staff'),
);

if (!action || !staffActions.includes(action as OrderAction) || !/^\d+$/.test(id ?? '')) {
  console.error(`usage: npm run order -- <${staffActions.join('|')}> <order id>`);
  process.exit(2);
}

try {
  const order = await transitionOrder(Number(id), action as OrderAction, { kind: 'staff', adminId: 0 });
  console.log(`order ${order.id} is now ${order.status}`);
} catch (error) {
  console.error(`order ${id}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await sequelize.close();
}
