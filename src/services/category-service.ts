/** Reading the shop's categories. */
import { queryRows } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type CachedJson, getOrLoadJson } from '../cache.js';
import { key } from '../redis.js';
import type { CategoryOut } from '../schemas/category.js';

/**
 * Cache key of the category list. Invalidate it when a category changes or
 * a product is created, deleted, archived or moved to another category
 * (its counts change); sales, stock, prices and reviews leave it alone.
 */
export const CATEGORIES_CACHE_KEY = key('cache', 'categories');

/**
 * The category list's query. The counts are categories.product_count, kept
 * by triggers on products, so it reads the categories alone (exported for
 * the plan tests).
 */
export const CATEGORY_LIST =
  'SELECT id, name, description, sort_order, product_count FROM categories ORDER BY sort_order, name';

/** Every category in menu order (sort_order, then name) with its count of listed products, as JSON text. */
export async function listCategories(): Promise<CachedJson<CategoryOut[]>> {
  const json = await getOrLoadJson(CATEGORIES_CACHE_KEY, { name: 'categories' }, () =>
    // The menu may be a moment stale: a read replica answers it when there is one (src/db.ts).
    queryRows<CategoryOut>(CATEGORY_LIST, [], { mayBeStale: true }),
  );
  return json!;
}

/** One category with its product count; NotFoundError when there is no such category. */
export async function getCategory(categoryId: number): Promise<CategoryOut> {
  const categories = JSON.parse((await listCategories()).json) as CategoryOut[];
  const category = categories.find((c) => c.id === categoryId);
  if (!category) throw new NotFoundError(`Category ${categoryId} does not exist.`);
  return category;
}
