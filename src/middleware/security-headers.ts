/**
 * helmet with two Content-Security-Policies: a strict one for the API and the
 * docs, and one under which the AdminJS panel works (it needs inline scripts
 * for its bootstrapping state, inline styles, and product images from other
 * hosts).
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

const apiHeaders = helmet({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      workerSrc: ["'self'", 'blob:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
});

const adminHeaders = helmet({
  referrerPolicy: { policy: 'same-origin' },
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
      imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
      fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
});

/** Security headers for every response; /admin gets the panel's own CSP. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  if (req.path === '/admin' || req.path.startsWith('/admin/')) adminHeaders(req, res, next);
  else apiHeaders(req, res, next);
};
