/**
 * Cache-Control values for API responses. Public catalog answers may be
 * cached briefly by browsers and CDNs and revalidated with their ETag
 * (Express answers If-None-Match with 304); anything personal is never
 * stored.
 */

/** Categories, product lists, product pages, reviews. */
export const PUBLIC_CATALOG = 'public, max-age=10, stale-while-revalidate=30';

/** Carts, orders, accounts, tokens. */
export const PRIVATE = 'private, no-store';

/** Tokens: never stored anywhere (RFC 6749 §5.1). */
export const NO_STORE = 'no-store';
