/**
 * Bundles the admin panel's frontend components at build time (into
 * .adminjs/, or ADMIN_JS_TMP_DIR), so production starts with
 * ADMIN_JS_SKIP_BUNDLE=true and never runs rollup on a live server.
 *
 * AdminJS only bundles when NODE_ENV is production, and reads NODE_ENV when
 * it is imported; the app config is loaded first in development mode so the
 * build needs no production secrets.
 */
process.env.NODE_ENV = 'development';
await import('../src/config.js');
process.env.NODE_ENV = 'production';
delete process.env.ADMIN_JS_SKIP_BUNDLE;

const started = performance.now();
const { createAdmin } = await import('../src/admin/panel.js');
await createAdmin().initialize();
console.log(`admin bundle ready in ${Math.round(performance.now() - started)} ms`);
const { sequelize } = await import('../src/db.js');
const { redis } = await import('../src/redis.js');
redis.disconnect();
await sequelize.close();
