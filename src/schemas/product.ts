import type { Money } from './common.js';

/** How to order a product list. */
export type ProductSort = 'newest' | 'price_asc' | 'price_desc' | 'name' | 'rating' | 'sales';

/** A product as it appears in lists. `price` is the unit price, e.g. "19.99". */
export interface ProductSummary {
  id: number;
  name: string;
  price: Money;
  /** Units available now (lists may lag purchases by a few seconds; the cart and checkout check live stock). */
  stock: number;
  image_url: string | null;
  category_id: number;
  /** Average rating of visible reviews, 0 to 5 (0 when there are none). */
  rating_avg: number;
  review_count: number;
  /** Units sold on paid, shipped and completed orders. */
  sales_count: number;
  /** ISO 8601 UTC. */
  created_at: Date;
}

/** One page of products. */
export interface ProductPage {
  items: ProductSummary[];
  /**
   * How many products match in all pages: exact when `total_capped` is
   * false. Counting stops after 1,000 matches (a list filtered by nothing
   * but its category is always counted exactly): then `total` is a lower
   * bound, at least 1,000 or as far as this page reaches.
   */
  total: number;
  page: number;
  page_size: number;
  /**
   * True when `total` is a lower bound: more than 1,000 products match and
   * this page does not show where the list ends. Keep paging until a page
   * comes back with fewer than `page_size` items.
   */
  total_capped: boolean;
}

/** The category a product belongs to. */
export interface ProductCategory {
  id: number;
  name: string;
}

/** A product with everything a product page shows. */
export interface ProductDetail extends ProductSummary {
  description: string | null;
  category: ProductCategory;
  /** ISO 8601 UTC. */
  updated_at: Date;
}

/** A visible review on a product page. */
export interface ReviewOut {
  id: number;
  product_id: number;
  /** 1 to 5. */
  rating: number;
  content: string | null;
  /** Image URLs (at most 9). */
  images: string[];
  /** The reviewer's username. */
  username: string;
  /** ISO 8601 UTC. */
  created_at: Date;
}
