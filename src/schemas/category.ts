/** A department of the shop, as shoppers see it. */
export interface CategoryOut {
  /** Category id, used as `category_id` when filtering products. */
  id: number;
  /** Display name, unique across the shop. */
  name: string;
  /** One or two sentences about what the category holds. */
  description: string | null;
  /** Position in menus: lower comes first; ties are ordered by name. */
  sort_order: number;
  /** How many products (not archived) are listed in this category. */
  product_count: number;
}
