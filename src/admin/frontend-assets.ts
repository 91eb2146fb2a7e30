/**
 * The panel's static files: AdminJS's prebuilt frontend (scripts, styles,
 * fonts) and the bundle of our components (components.bundle.js). They are
 * the same for everyone, so they are served before the session middleware:
 * they load without a session and while Redis is down, so the outage page
 * (unavailable.ts) is never a page whose scripts fail.
 */
import { resolve } from 'node:path';
import type AdminJS from 'adminjs';
import { AppController, Router as AdminRouter } from 'adminjs';
import express, { type Router } from 'express';

/**
 * Builds the components bundle now (outside production AdminJS builds it on
 * the first request for components.bundle.js; in production it is made by
 * `npm run build:admin`). Resolves once the file is written.
 */
export async function bundleComponents(admin: AdminJS): Promise<void> {
  await new AppController({ admin }, undefined).bundleComponents();
}

/**
 * AdminJS's asset routes, as @adminjs/express's own buildAssets registers
 * them after its session middleware (those later copies are never reached).
 */
export function frontendAssets(admin: AdminJS): Router {
  const router = express.Router();
  for (const asset of AdminRouter.assets) {
    router.get(asset.path, (_req, res, next) => res.sendFile(resolve(asset.src), (error) => error && next(error)));
  }
  // Outside production components.bundle.js is a route (it may have to build the bundle first).
  const bundleRoute = AdminRouter.routes.find((route) => route.action === 'bundleComponents');
  if (bundleRoute) {
    router.get(bundleRoute.path, (_req, res, next) => {
      new AppController({ admin }, undefined).bundleComponents().then((code) => {
        res.type('text/javascript; charset=utf-8').send(code ?? '');
      }, next);
    });
  }
  return router;
}
