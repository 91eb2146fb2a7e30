/** A department of the shop, as shoppers see it. */
export interface CategoryOut {
  /**
   * Category id, used as `category_id` when filtering products.
   * @isInt
   * @minimum 1
   * @maximum 2147483647
   * @example 1
   */
  id: number;
  /**
   * Display name, unique across the shop.
   * @minLength 1
   * @maxLength 100
   * @example "Outdoor"
   */
  name: string;
  /**
   * One or two sentences about what the category holds (no length limit: the column is TEXT).
   * @example "Tents, rucksacks and everything for a night outside."
   */
  description: string | null;
  /**
   * Position in menus: lower comes first; ties are ordered by name.
   * @isInt
   * @minimum -2147483648
   * @maximum 2147483647
   * @example 10
   */
  sort_order: number;
  /**
   * How many products (not archived) are listed in this category.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 12
   */
  product_count: number;
}
