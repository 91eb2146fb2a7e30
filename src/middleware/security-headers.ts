/**
 * Security headers, in three sets:
 *
 * - JSON answers (the API, health, metrics, errors, the spec) get OWASP's set
 *   for REST APIs: a CSP that allows nothing at all (`default-src 'none'`; a
 *   JSON answer is never a page), no framing, nosniff, HSTS, no referrer,
 *   same-origin resource policy. Nothing a browser does with an API answer
 *   needs more, and every byte of it is sent on every request.
 * - The docs pages (Swagger UI, Redoc) get helmet's full set with a CSP that
 *   lets them run their own scripts and styles.
 * - The AdminJS panel gets helmet's full set with the CSP it needs (inline
 *   scripts for its bootstrapping state, inline styles, product images from
 *   other hosts).
 *
 * The helmet sets do not depend on the request, so they are recorded once at
 * startup and copied onto each response (instead of running helmet's
 * thirteen middlewares per request).
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

/** The security headers of JSON answers (OWASP REST Security Cheat Sheet). */
export const API_SECURITY_HEADERS: readonly Header[] = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

/** CSP directives both pages share: own origin only, no plugins, no framing, no upgrade rewriting. */
const PAGE_DIRECTIVES = {
  defaultSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
};

/** The security headers of the docs pages. */
const DOCS_SECURITY_HEADERS = recordHeaders(
  helmet({
    contentSecurityPolicy: {
      directives: {
        ...PAGE_DIRECTIVES,
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
      },
    },
  }),
);

/** The admin panel's: inline bootstrapping scripts and styles, Google fonts, product images from anywhere. */
const ADMIN_SECURITY_HEADERS = recordHeaders(
  helmet({
    referrerPolicy: { policy: 'same-origin' },
    contentSecurityPolicy: {
      directives: {
        ...PAGE_DIRECTIVES,
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
      },
    },
  }),
);

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** The header set for a request path. */
function headersFor(path: string): readonly Header[] {
  if (path.startsWith('/api/')) return API_SECURITY_HEADERS;
  if (under(path, '/admin')) return ADMIN_SECURITY_HEADERS;
  if (under(path, '/docs') || under(path, '/redoc') || path === '/favicon.ico') return DOCS_SECURITY_HEADERS;
  return API_SECURITY_HEADERS;
}

/** Security headers for every response: the set for its path. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  setHeaders(res, headersFor(req.path));
  next();
};
