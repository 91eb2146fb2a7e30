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
