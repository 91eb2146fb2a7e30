/**
 * Hot responses: repeat GETs of public catalog answers are served straight
 * from the Redis cache, before Express runs.
 *
 * When the full stack answers a GET with JSON text that is in the Redis cache
 * (controllers/json.ts), it remembers, for that exact URL, the cache key and
 * the response's headers. The next GET of the very same URL is answered here:
 * one Redis GET of that key, and the text goes out with the same headers, a
 * request id, the same ETag (304 for a matching If-None-Match), a log line and
 * the metrics, exactly as the full stack would have answered it. Express,
 * routing, validation and the controller are skipped; they decided this URL's
 * answer is that cache entry, and they run again as soon as it is not there.
 *
 * Nothing about the answer is kept in this process: the text is read from
 * Redis every time, so an invalidation made by any instance applies at once,
 * and entries expire exactly as the cache does. Anything unusual falls
 * through to the full stack: another method, a URL not remembered, the key
 * gone (expired or invalidated: the full stack reloads and caches it again),
 * Redis not ready or failing, or shutdown under way.
 *
 * Measured (`npm run bench -- --ablate hot-responses --only mixed`, 100k
 * products, 50 connections browsing with caches on): without it 0.73x the
 * req/s (each side with its own Redis keys).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import etag from 'etag';
import type { Express, Request, Response } from 'express';
import proxyaddr from 'proxy-addr';
import type { CacheEntry } from '../cache.js';
import { isShuttingDown } from '../lifecycle.js';
import { isFresh } from './conditional.js';
import { cacheLookups } from '../metrics.js';
import { recordRequest, requestIdOf, routeLabel } from '../middleware/request-context.js';
import { mget, redis } from '../redis.js';

/** What is remembered about a URL: where its answer is cached, and how it was sent. */
interface HotResponse extends CacheEntry {
  /** Header names and values of the 200, flat, without the per-request ones. */
  headers: (string | number)[];
  /** The same for a 304 (no Content-Type). */
  notModifiedHeaders: (string | number)[];
  route: string;
  /** The last text sent and its ETag, so an unchanged entry is not hashed again. */
  lastText?: string;
  lastEtag?: string;
}

/** How many URLs are remembered (oldest forgotten first), and how long a URL may be. */
const MAX_URLS = 2_000;
const MAX_URL_LENGTH = 512;

/** Headers that differ per request or per body; sent fresh on every hot answer. */
const PER_REQUEST = new Set(['x-request-id', 'content-length', 'etag', 'connection', 'date']);

const remembered = new Map<string, HotResponse>();

/**
 * Called by the full stack right after it sent `entry`'s cached text with
 * status 200 for a GET: remembers the URL for hot answers. Only for public
 * answers that depend on nothing but the URL and that cache entry.
 */
export function rememberHotResponse(req: Request, res: Response, entry: CacheEntry): void {
  if (req.method !== 'GET' || res.statusCode !== 200 || req.originalUrl.length > MAX_URL_LENGTH) return;
  const headers: (string | number)[] = [];
  const notModifiedHeaders: (string | number)[] = [];
  // Node has getRawHeaderNames (names as they were set) since 15.13; @types/node does not declare it.
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    const lower = name.toLowerCase();
    const value = res.getHeader(name);
    if (PER_REQUEST.has(lower) || (typeof value !== 'string' && typeof value !== 'number')) continue;
    headers.push(name, value);
    if (lower !== 'content-type') notModifiedHeaders.push(name, value);
  }
  if (!remembered.has(req.originalUrl) && remembered.size >= MAX_URLS) {
    remembered.delete(remembered.keys().next().value!);
  }
  remembered.set(req.originalUrl, { ...entry, headers, notModifiedHeaders, route: routeLabel(req) });
}

/** Forgets every remembered URL (tests). */
export function forgetHotResponses(): void {
  remembered.clear();
}

/** Sends a hot answer; `text` is the cached JSON. */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  hot: HotResponse,
  text: string,
  started: bigint,
  trust: (address: string, hop: number) => boolean,
): void {
  if (hot.lastText !== text) {
    hot.lastText = text;
    hot.lastEtag = etag(text, { weak: true });
  }
  const tag = hot.lastEtag!;
  const id = requestIdOf(req);
  let status = 200;
  if (isFresh(req.headers, { etag: tag })) {
    status = 304;
    res.writeHead(304, ['X-Request-Id', id, ...hot.notModifiedHeaders, 'ETag', tag]);
    res.end();
  } else {
    res.writeHead(200, ['X-Request-Id', id, ...hot.headers, 'Content-Length', Buffer.byteLength(text), 'ETag', tag]);
    res.end(text);
  }
  cacheLookups.inc({ cache: hot.name, result: 'hit' });
  recordRequest({
    req_id: id,
    method: 'GET',
    url: req.url!,
    route: hot.route,
    status,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    remote: proxyaddr(req, trust),
  });
}

/**
 * The server's request listener: hot answers where it can, `app` for
 * everything else.
 */
export function withHotResponses(app: Express): RequestListener {
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  return (req, res) => {
    const hot = req.method === 'GET' ? remembered.get(req.url!) : undefined;
    if (hot === undefined || redis.status !== 'ready' || isShuttingDown()) {
      app(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    mget([hot.key]).then(
      ([text]) => {
        if (typeof text !== 'string') app(req, res);
        else send(req, res, hot, text, started, trust);
      },
      () => {
        app(req, res);
      },
    );
  };
}
