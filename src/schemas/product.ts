import type { Id, Money, PageNumber, PageSize, Timestamp } from './common.js';
import type { ImageUrl } from './review.js';

/** How to order a product list. */
export type ProductSort = 'newest' | 'price_asc' | 'price_desc' | 'name' | 'rating' | 'sales';

/** A product as it appears in lists. `price` is the unit price, e.g. "19.99". */
export interface ProductSummary {
  id: Id;
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Trail running shoes"
   */
  name: string;
  price: Money;
  /**
   * Units available now (lists may lag purchases by a few seconds; the cart and checkout check live stock).
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 25
   */
  stock: number;
  /**
   * An http or https URL, as staff entered it in the panel (VARCHAR(500)).
   * @maxLength 500
   * @example "https://images.example.com/trail-shoes.jpg"
   */
  image_url: string | null;
  category_id: Id;
  /**
   * Average rating of visible reviews, 0 to 5 (0 when there are none), to two decimals.
   * @minimum 0
   * @maximum 5
   * @example 4.25
   */
  rating_avg: number;
  /**
   * Visible reviews.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 8
   */
  review_count: number;
  /**
   * Units sold on paid, shipped and completed orders.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 140
   */
  sales_count: number;
  created_at: Timestamp;
}

/**
 * Best sellers, most sold first: at most 50 (the largest `limit`).
 * @maxItems 50
 */
export type BestSellers = ProductSummary[];

/** One page of products. */
export interface ProductPage {
  /**
   * This page's products: at most `page_size` (so at most 100).
   * @maxItems 100
   */
  items: ProductSummary[];
  /**
   * How many products match in all pages: exact when `total_capped` is
   * false. Counting stops after 1,000 matches (a list filtered by nothing
   * but its category is always counted exactly): then `total` is a lower
   * bound, at least 1,000 or as far as this page reaches.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 42
   */
  total: number;
  page: PageNumber;
  page_size: PageSize;
  /**
   * True when `total` is a lower bound: more than 1,000 products match and
   * this page does not show where the list ends. Keep paging until a page
   * comes back with fewer than `page_size` items.
   */
  total_capped: boolean;
}

/** The category a product belongs to. */
export interface ProductCategory {
  id: Id;
  /**
   * @minLength 1
   * @maxLength 100
   * @example "Outdoor"
   */
  name: string;
}

/** A product with everything a product page shows. */
export interface ProductDetail extends ProductSummary {
  /**
   * What the product is, as staff wrote it (no length limit: the column is TEXT).
   * @example "Light, grippy shoes for muddy trails."
   */
  description: string | null;
  category: ProductCategory;
  updated_at: Timestamp;
}

/** A visible review on a product page. */
export interface ReviewOut {
  id: Id;
  product_id: Id;
  /**
   * 1 (poor) to 5 (excellent); the rule: RATING in src/rules.ts.
   * @isInt
   * @minimum 1
   * @maximum 5
   * @example 5
   */
  rating: number;
  /**
   * What the shopper wrote, up to 2000 characters (CHECK reviews_content_length).
   * @maxLength 2000
   * @example "Comfortable from the first run."
   */
  content: string | null;
  /**
   * Image URLs (at most 9: CHECK reviews_images_array).
   * @maxItems 9
   */
  images: ImageUrl[];
  /**
   * The reviewer's username (the rule: USERNAME in src/rules.ts).
   * @maxLength 50
   * @pattern ^[A-Za-z0-9_.-]{3,50}$
   * @example "ada_l"
   */
  username: string;
  created_at: Timestamp;
}
