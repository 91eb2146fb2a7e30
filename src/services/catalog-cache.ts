/**
 * The catalog's Redis cache keys and their invalidation, in one place, so
 * every writer (checkout, order changes, reviews, the admin panel) clears
 * exactly what its change makes stale.
 *
 * Each prefix carries a hash tag, so that in a Redis Cluster a prefix's
 * entries, generation counter and member set share one slot (cache.ts).
 */
import { invalidate, invalidatePrefix } from '../cache.js';
import { hashTag, key } from '../redis.js';
import { CATEGORIES_CACHE_KEY } from './category-service.js';

/** Prefix of every cached product detail. */
export const PRODUCT_DETAILS_PREFIX = key('cache', hashTag('product'), '');
/** Cache key of one product's detail. */
export const productKey = (productId: number): string => `${PRODUCT_DETAILS_PREFIX}${productId}`;
/** Prefix of every cached product list page (keyed by their query; renamed when the page's shape changes). */
export const PRODUCT_LISTS_PREFIX = key('cache', hashTag('product-pages'), '');
/** Prefix of the cached hot-product lists (keyed by limit). */
export const HOT_PRODUCTS_PREFIX = key('cache', hashTag('hot'), '');
/** Prefix of one product's cached review pages. */
export const reviewsPrefix = (productId: number): string => key('cache', hashTag(`reviews:${productId}`), '');

/**
 * After stock changes (checkout, cancel): the products' details. Lists and
 * hot products are left to their short TTL rather than flushed on every sale.
 */
export async function invalidateStock(productIds: number[]): Promise<void> {
  await invalidate(...productIds.map(productKey));
}

/** After a sale is paid or cancelled: hot products too. */
export async function invalidateSales(productIds: number[]): Promise<void> {
  await Promise.all([invalidateStock(productIds), invalidatePrefix(HOT_PRODUCTS_PREFIX)]);
}

/**
 * After products' shown fields change but not where they are listed (rating,
 * review count, ...): their details, lists and hot products. The category
 * counts stay.
 */
export async function invalidateProductFields(productIds: number[]): Promise<void> {
  await Promise.all([
    invalidate(...productIds.map(productKey)),
    invalidatePrefix(PRODUCT_LISTS_PREFIX),
    invalidatePrefix(HOT_PRODUCTS_PREFIX),
  ]);
}

/**
 * After products are created, edited, archived, moved or deleted: everything
 * that shows them, and the category list (its counts may have changed).
 */
export async function invalidateProducts(productIds: number[]): Promise<void> {
  await Promise.all([invalidate(CATEGORIES_CACHE_KEY), invalidateProductFields(productIds)]);
}

/** After a review is added, hidden or shown: the product (rating) and its review pages. */
export async function invalidateReviews(productId: number): Promise<void> {
  await Promise.all([invalidateProductFields([productId]), invalidatePrefix(reviewsPrefix(productId))]);
}

/** After a category changes (name, order, existence): everything in the catalog. */
export async function invalidateCatalog(): Promise<void> {
  await Promise.all([
    invalidate(CATEGORIES_CACHE_KEY),
    invalidatePrefix(PRODUCT_DETAILS_PREFIX),
    invalidatePrefix(PRODUCT_LISTS_PREFIX),
    invalidatePrefix(HOT_PRODUCTS_PREFIX),
  ]);
}
