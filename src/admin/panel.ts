/**
 * The AdminJS staff panel: resources, custom actions and dashboard, login for
 * active admins (session id regenerated at login, failed logins rate
 * limited like the API's), sessions in Redis, and a per-request check that
 * the signed-in account is still an active admin. This module is heavy to
 * import (AdminJS parses ~2 s of code), so the server loads it in the
 * background after it listens (admin/index.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import AdminJSExpress from '@adminjs/express';
import { Database } from '@adminjs/sequelize';
import AdminJS from 'adminjs';
import { RedisStore } from 'connect-redis';
import express, { type RequestHandler, type Router } from 'express';
import session from 'express-session';
import { config } from '../config.js';
import { User } from '../models/index.js';
import { key, redis } from '../redis.js';
import { dashboard } from '../services/dashboard-service.js';
import { authenticateStaff } from '../services/staff-auth-service.js';
import { isActiveAdmin } from '../services/staff-guard.js';
import { AuditedResource } from './audited-resource.js';
import { component, componentLoader } from './components.js';
import { panelBodies } from './form-bodies.js';
import { frontendAssets } from './frontend-assets.js';
import { resourceTranslations, resources } from './resources/index.js';
import { panelWords } from './words.js';
import { sessionsOrUnavailable, unavailableWhileStoreDown } from './unavailable.js';

AdminJS.registerAdapter({ Database, Resource: AuditedResource });

/** Name of the admin session cookie. */
export const ADMIN_COOKIE_NAME = 'emporium.admin.sid';
/** Redis key prefix of admin sessions. */
export const ADMIN_SESSION_PREFIX = key('admin-session', '');
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** The AdminJS instance: resources, dashboard, branding and paths (also used by the build-time bundler). */
export function createAdmin(): AdminJS {
  return new AdminJS({
    rootPath: '/admin',
    loginPath: '/admin/login',
    logoutPath: '/admin/logout',
    componentLoader,
    resources: resources(),
    dashboard: { component: component('Dashboard'), handler: dashboard },
    branding: { companyName: 'Emporium', withMadeWithLove: false, logo: false },
    locale: {
      language: 'en',
      translations: {
        en: {
          ...panelWords(resourceTranslations()),
          components: {
            Login: { welcomeHeader: 'Emporium staff', welcomeMessage: 'Sign in with your staff e-mail and password.' },
          },
        },
      },
    },
  });
}

/** Logs staff in: regenerates the session id (no fixation); failures count like API logins (same account budget). */
async function authenticate(email: string, password: string, context?: { req: express.Request }) {
  const staff = await authenticateStaff(email, password, context?.req.ip);
  if (!staff) return null;
  const req = context?.req;
  if (req?.session)
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('session regenerate failed')) : resolve(),
      ),
    );
  return staff;
}

declare module 'express-session' {
  interface SessionData {
    adminUser?: { id: string; email: string };
  }
}

/** Ends the session of anyone who is no longer an active admin (deactivated or demoted since login). */
const stillStaff: RequestHandler = (req, res, next) => {
  const adminUser = req.session?.adminUser;
  if (!adminUser) return next();
  User.findByPk(Number(adminUser.id), { attributes: ['role', 'is_active'], raw: true }).then((user) => {
    if (user && isActiveAdmin(user)) return next();
    req.session.destroy(() => res.redirect('/admin/login'));
  }, next);
};

/**
 * Builds the authenticated /admin router for `admin` (a new panel by
 * default). Static assets come first and need no session; while Redis (the
 * sessions store) is down everything else is the 503 page of unavailable.ts.
 */
export function buildAdminRouter(admin: AdminJS = createAdmin()): Router {
  // Outside production the panel's load builds the components bundle (admin/index.ts), but
  // AdminJS reuses any bundle it finds: drop one left by a production build so edits always show.
  if (!config.isProduction) rmSync(join(config.admin.bundleDir, 'bundle.js'), { force: true });
  const sessionOptions: session.SessionOptions = {
    store: new RedisStore({ client: redis, prefix: ADMIN_SESSION_PREFIX }),
    name: ADMIN_COOKIE_NAME,
    secret: config.session.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.session.cookieSecure,
      maxAge: SESSION_MAX_AGE_MS,
      path: '/admin',
    },
  };
  // Our session middleware runs first so that the staff check sees the session; AdminJS's own
  // session middleware then finds req.session present and steps aside. Bodies are read (or
  // refused) by ours too, before AdminJS's formidable could write any to disk (form-bodies.ts).
  const router = express.Router();
  router.use(
    frontendAssets(admin),
    sessionsOrUnavailable(session(sessionOptions)),
    stillStaff,
    panelBodies({
      isStaff: (req) => req.session?.adminUser !== undefined,
      loginPath: admin.options.loginPath.slice(admin.options.rootPath.length),
    }),
  );
  AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { authenticate, cookieName: ADMIN_COOKIE_NAME, cookiePassword: config.session.secret },
    router,
    sessionOptions,
  );
  return router.use(unavailableWhileStoreDown);
}
