/**
 * The panel's 503 answers, for the two moments it cannot serve staff: while
 * it is still loading after start (admin/index.ts) and while the sessions
 * store (Redis) is down (admin/panel.ts). A page, not a stack trace or a
 * blank screen: a short HTML page that says why and reloads itself, or a
 * problem+json for the panel's own API (/admin/api/*), which its frontend
 * fetches.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { sendProblem } from '../middleware/error-handler.js';
import { redisReady } from '../redis.js';

/** Why the panel cannot answer: what the page says, and when to try again. */
export interface Unavailability {
  /** The page's heading and the problem's detail: one sentence. */
  headline: string;
  /** A second paragraph for people (HTML pages only). */
  advice: string;
  /** Seconds until the page reloads itself; also sent as Retry-After. */
  retryAfterSeconds: number;
}

/** Redis, which holds staff sessions, is not answering. */
export const SESSIONS_STORE_DOWN: Unavailability = {
  headline: 'Staff sign-in is unavailable: sessions store is down',
  advice:
    'Staff sessions are kept in Redis, which is not answering. The shop keeps serving customers. ' +
    'Try again in a minute: this page retries by itself.',
  retryAfterSeconds: 15,
};

/** The panel is loading in the background after the server started. */
export const PANEL_STARTING: Unavailability = {
  headline: 'The staff panel is starting; this page reloads in a few seconds',
  advice: 'The server has just started and is still loading the staff panel. The shop is already serving customers.',
  retryAfterSeconds: 2,
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

/** The page for `why`; it reloads `reloadUrl` (a path under /admin) after the retry delay. */
function page(why: Unavailability, reloadUrl: string): string {
  const headline = escapeHtml(why.headline);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${why.retryAfterSeconds}; url=${escapeHtml(reloadUrl)}">
<title>${headline} · Emporium staff</title>
<style>
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1c1c38; background: #f6f7fb; }
main { max-width: 36rem; margin: 15vh auto; padding: 2rem; background: #fff; border-radius: 8px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.08); }
h1 { font-size: 1.35rem; margin: 0 0 1rem; }
p { margin: 0; color: #454655; }
</style>
</head>
<body>
<main role="alert">
<h1>${headline}</h1>
<p>${escapeHtml(why.advice)}</p>
</main>
</body>
</html>
`;
}

/**
 * Answers 503 for `why`: problem+json under /admin/api, an HTML page
 * elsewhere (which reloads the same page after a GET, the login page after
 * a form POST), both with Retry-After and never cached.
 */
export function sendUnavailable(req: Request, res: Response, why: Unavailability): void {
  const retryAfter = String(why.retryAfterSeconds);
  res.setHeader('Cache-Control', 'no-store');
  if (req.originalUrl.startsWith('/admin/api/')) {
    const headers = { 'Retry-After': retryAfter };
    const error = new AppError(503, 'service-unavailable', 'Service unavailable', why.headline, {}, headers);
    sendProblem(req, res, error);
    return;
  }
  const reloadUrl = req.method === 'GET' ? req.originalUrl : '/admin/login';
  const html = page(why, reloadUrl);
  res.writeHead(503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Retry-After': retryAfter,
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/**
 * Runs the session middleware `sessions` while Redis is up; while it is
 * down, answers the "sessions store is down" page at once, before any body
 * is read. "Down" is the Redis client's own state (`redisReady`, the signal
 * /metrics' `redis_up` and the hot responses go by): it drops the moment the
 * connection is lost and comes back by itself when ioredis reconnects, so
 * the panel recovers without a restart. A store call that fails anyway (a
 * Redis that hangs: the command timeout) gets the same page.
 */
export function sessionsOrUnavailable(sessions: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (!redisReady()) {
      sendUnavailable(req, res, SESSIONS_STORE_DOWN);
      return;
    }
    sessions(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      logger.warn({ req_id: req.id, err: error }, 'admin session store failed');
      sendUnavailable(req, res, SESSIONS_STORE_DOWN);
    });
  };
}

/**
 * Error middleware after the panel's routes: an error while Redis is down
 * (saving the session at login, destroying it at logout) is the outage
 * page, not a 500; any other error goes on to the app's error handler.
 */
export const unavailableWhileStoreDown: ErrorRequestHandler = (error, req, res, next) => {
  if (redisReady() || res.headersSent) return next(error);
  logger.warn({ req_id: req.id, err: error }, 'admin request failed while Redis is down');
  sendUnavailable(req, res, SESSIONS_STORE_DOWN);
};
