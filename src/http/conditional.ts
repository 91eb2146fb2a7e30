/**
 * Conditional GET for every client. An origin server evaluates If-None-Match
 * (and If-Modified-Since) whatever Cache-Control the request carries
 * (RFC 9110 §13.2.1); `Cache-Control: no-cache` only tells caches on the way
 * to revalidate (RFC 9111 §5.2.1.4). The `fresh` package that Express's
 * `req.fresh` uses treats it as "never fresh", so browsers and Node's fetch,
 * which add it to their revalidations, got a 200 with the whole body where
 * curl got a 304. Here the preconditions are judged on their own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Express, Request } from 'express';
import fresh from 'fresh';

/** The validators of the response being answered. */
export interface Validators {
  etag?: string;
  'last-modified'?: string;
}

/** True when the request's preconditions say the client's copy (with `validators`) is current. */
export function isFresh(headers: IncomingHttpHeaders, validators: Validators): boolean {
  return fresh(
    { 'if-none-match': headers['if-none-match'], 'if-modified-since': headers['if-modified-since'] },
    { ...validators },
  );
}

/**
 * Makes `req.fresh` (which `res.send` uses to answer 304) judge by
 * `isFresh`: Express's own getter, with the precondition check above.
 */
export function useConditionalGet(app: Express): void {
  Object.defineProperty(app.request, 'fresh', {
    configurable: true,
    enumerable: true,
    get(this: Request): boolean {
      if (this.method !== 'GET' && this.method !== 'HEAD') return false;
      const status = this.res!.statusCode;
      if ((status < 200 || status >= 300) && status !== 304) return false;
      return isFresh(this.headers, {
        etag: this.res!.get('ETag'),
        'last-modified': this.res!.get('Last-Modified'),
      });
    },
  });
}
