/**
 * Staff accounts from the command line, for when nobody can sign in to the
 * panel to fix them (see docs/OPERATIONS.md):
 *
 *   npm run staff -- list               the active admins
 *   npm run staff -- promote <e-mail>   make that account an active admin (audited)
 */
import { parseArgs } from 'node:util';
import { sequelize } from '../src/db.js';
import { redis } from '../src/redis.js';
import { activeAdmins, restoreAdminAccess } from '../src/services/staff-accounts.js';

const { positionals } = parseArgs({ allowPositionals: true });
const [command, email] = positionals;

if (!(command === 'list' && !email) && !(command === 'promote' && email)) {
  console.error('usage: npm run staff -- list | promote <e-mail>');
  process.exit(2);
}

try {
  if (command === 'list') {
    const admins = await activeAdmins();
    console.log(admins.length ? admins.join('\n') : 'no active admin');
  } else {
    const done = await restoreAdminAccess(email!, 'admin access restored from the command line (npm run staff)');
    console.log(`${done.email} (user ${done.id}) ${done.changed ? 'is now' : 'already was'} an active admin`);
  }
} catch (error) {
  console.error(`staff ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await sequelize.close();
}
