/**
 * The AdminJS staff panel: resources over the Sequelize models, login for
 * active admins, and sessions in Redis. This module is heavy to import
 * (AdminJS parses ~2 s of code), so the app loads it lazily (admin/index.ts).
 */
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/sequelize';
import AdminJS, { type ResourceWithOptions } from 'adminjs';
import { RedisStore } from 'connect-redis';
import type { Router } from 'express';
import { config } from '../config.js';
import { AdminLog, Cart, Category, Order, OrderItem, Product, Review, User } from '../models/index.js';
import { key, redis } from '../redis.js';
import { authenticateStaff } from '../services/staff-auth-service.js';

AdminJS.registerAdapter({ Database, Resource });

/** Name of the admin session cookie. */
export const ADMIN_COOKIE_NAME = 'emporium.admin.sid';
/** Redis key prefix of admin sessions. */
export const ADMIN_SESSION_PREFIX = key('admin-session', '');
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

const readOnly = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};

const resources: ResourceWithOptions[] = [
  {
    resource: Product,
    options: {
      navigation: { name: 'Catalog' },
      listProperties: ['id', 'name', 'price', 'stock', 'category_id', 'archived'],
    },
  },
  { resource: Category, options: { navigation: { name: 'Catalog' } } },
  { resource: Order, options: { navigation: { name: 'Sales' }, sort: { sortBy: 'created_at', direction: 'desc' } } },
  { resource: OrderItem, options: { navigation: { name: 'Sales' }, actions: readOnly } },
  { resource: Review, options: { navigation: { name: 'Sales' } } },
  {
    resource: User,
    options: {
      navigation: { name: 'Customers' },
      properties: { password_hash: { isVisible: false } },
      listProperties: ['id', 'username', 'email', 'role', 'is_active', 'created_at'],
    },
  },
  { resource: Cart, options: { navigation: { name: 'Customers' }, actions: readOnly } },
  {
    resource: AdminLog,
    options: { navigation: { name: 'System' }, actions: readOnly, sort: { sortBy: 'created_at', direction: 'desc' } },
  },
];

/** The AdminJS instance: resources, branding and paths (also used by the build-time bundler). */
export function createAdmin(): AdminJS {
  return new AdminJS({
    rootPath: '/admin',
    loginPath: '/admin/login',
    logoutPath: '/admin/logout',
    resources,
    branding: { companyName: 'Emporium', withMadeWithLove: false },
  });
}

/** Builds the authenticated /admin router. */
export function buildAdminRouter(): Router {
  const admin = createAdmin();
  return AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { authenticate: authenticateStaff, cookieName: ADMIN_COOKIE_NAME, cookiePassword: config.session.secret },
    null,
    {
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
    },
  );
}
