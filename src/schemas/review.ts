import type { Id } from './common.js';

/**
 * An image URL: http or https, at most 500 characters.
 * @pattern ^https?://[^\s/$.?#][^\s]*$
 * @maxLength 500 must be at most 500 characters
 * @example "https://images.example.com/review-1.jpg"
 */
export type ImageUrl = string;

/** A review of one product from one of the caller's completed orders. */
export interface CreateReviewRequest {
  order_id: Id;
  product_id: Id;
  /**
   * 1 (poor) to 5 (excellent); the rule: RATING in src/rules.ts.
   * @isInt Rating must be a whole number from 1 to 5
   * @minimum 1 Rating must be a whole number from 1 to 5
   * @maximum 5 Rating must be a whole number from 1 to 5
   * @example 5
   */
  rating: number;
  /**
   * What the shopper thinks, up to 2000 characters.
   * @maxLength 2000 must be at most 2000 characters
   * @example "Comfortable from the first run."
   */
  content?: string;
  /**
   * Up to 9 image URLs.
   * @maxItems 9 must have at most 9 images
   */
  images?: ImageUrl[];
}
