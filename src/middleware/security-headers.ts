/**
 * helmet with two Content-Security-Policies: a strict one for the API and the
 * docs, and one under which the AdminJS panel works (it needs inline scripts
 * for its bootstrapping state, inline styles, and product images from other
 * hosts).
 *
 * Our helmet settings do not depend on the request, so each set of headers is
 * recorded once at startup and then copied onto every response (instead of
 * running helmet's thirteen middlewares per request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** A response header as [name, value]. */
export type Header = readonly [name: string, value: string];

/** The headers a helmet middleware sets (it only removes X-Powered-By otherwise, which Express never sends here). */
function recordHeaders(middleware: ReturnType<typeof helmet>): readonly Header[] {
  const headers: Header[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/** Sets every header of `headers` on `res`. */
export function setHeaders(res: ServerResponse, headers: readonly Header[]): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}

/** The security headers of API and docs responses. */
export const API_SECURITY_HEADERS = recordHeaders(
  helmet({
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
  }),
);

const ADMIN_SECURITY_HEADERS = recordHeaders(
  helmet({
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
  }),
);

/** Security headers for every response; /admin gets the panel's own CSP. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  setHeaders(
    res,
    req.path === '/admin' || req.path.startsWith('/admin/') ? ADMIN_SECURITY_HEADERS : API_SECURITY_HEADERS,
  );
  next();
};
