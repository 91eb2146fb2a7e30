/** Reading the shop's categories. */
import { literal } from 'sequelize';
import { NotFoundError } from '../errors.js';
import { Category } from '../models/index.js';
import { type CachedJson, getOrLoadJson } from '../cache.js';
import { key } from '../redis.js';
import type { CategoryOut } from '../schemas/category.js';

/** Cache key of the category list; invalidate it when a category or a product's category/archived flag changes. */
export const CATEGORIES_CACHE_KEY = key('cache', 'categories');

/** Every category in menu order (sort_order, then name) with its count of listed products, as JSON text. */
export async function listCategories(): Promise<CachedJson<CategoryOut[]>> {
  const json = await getOrLoadJson(CATEGORIES_CACHE_KEY, { name: 'categories' }, async () => {
    const rows = await Category.findAll({
      attributes: [
        'id',
        'name',
        'description',
        'sort_order',
        [
          literal('(SELECT count(*) FROM products p WHERE p.category_id = "Category".id AND NOT p.archived)::int'),
          'product_count',
        ],
      ],
      order: [
        ['sort_order', 'ASC'],
        ['name', 'ASC'],
      ],
      raw: true,
    });
    return rows as unknown as CategoryOut[];
  });
  return json!;
}

/** One category with its product count; NotFoundError when there is no such category. */
export async function getCategory(categoryId: number): Promise<CategoryOut> {
  const categories = JSON.parse((await listCategories()).json) as CategoryOut[];
  const category = categories.find((c) => c.id === categoryId);
  if (!category) throw new NotFoundError(`Category ${categoryId} does not exist.`);
  return category;
}
