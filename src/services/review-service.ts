/**
 * Reviews: who may write one (the owner of a completed order containing the
 * product, once per product per order) and the product's rating, kept in
 * step with the visible reviews.
 */
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { sequelize } from '../db.js';
import { Review } from '../models/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ReviewOut } from '../schemas/product.js';
import type { CreateReviewRequest } from '../schemas/review.js';
import { recordAdminAction } from './audit-service.js';
import { isWebUrl } from '../lib/urls.js';
import { invalidateReviews } from './catalog-cache.js';
import { type RecordChange, lockedRow, snapshot } from './record-changes.js';

const ALREADY_REVIEWED = 'This product was already reviewed for this order.';

/**
 * Recomputes a product's review_count and rating_avg from its visible
 * reviews. Locks the product row first, so that the count, read by a later
 * statement, includes every review committed before the lock was granted.
 */
export async function refreshProductRating(productId: number, transaction: Transaction): Promise<void> {
  await sequelize.query('SELECT id FROM products WHERE id = $1 FOR UPDATE', { bind: [productId], transaction });
  await sequelize.query(
    `UPDATE products p SET (review_count, rating_avg) = (
       SELECT count(*)::int, coalesce(round(avg(r.rating)::numeric, 2), 0)
         FROM reviews r WHERE r.product_id = p.id AND r.visible)
     WHERE p.id = $1`,
    { bind: [productId], transaction },
  );
}

/** Refuses image URLs that are not absolute http(s) URLs with a host. */
function assertImageUrls(images: string[]): void {
  images.forEach((image, index) => {
    if (!isWebUrl(image))
      throw new ValidationError([{ field: `images[${index}]`, message: 'must be an http or https URL' }]);
  });
}

/**
 * Writes a review for the caller. 404 unless the order is theirs; 422 when
 * the product is not on that order; 409 unless the order is completed, or
 * when this product was already reviewed for this order.
 */
export async function createReview(userId: number, input: CreateReviewRequest): Promise<ReviewOut> {
  const images = input.images ?? [];
  assertImageUrls(images);
  try {
    const reviewId = await sequelize.transaction(async (transaction) => {
      const [order] = await sequelize.query<{ status: string }>(
        'SELECT status FROM orders WHERE id = $1 AND user_id = $2 FOR SHARE',
        { bind: [input.order_id, userId], type: QueryTypes.SELECT, transaction },
      );
      if (!order) throw new NotFoundError(`Order ${input.order_id} does not exist.`);
      const [line] = await sequelize.query('SELECT 1 FROM order_items WHERE order_id = $1 AND product_id = $2', {
        bind: [input.order_id, input.product_id],
        type: QueryTypes.SELECT,
        transaction,
      });
      if (!line) throw new ValidationError([{ field: 'product_id', message: 'is not on this order' }]);
      if (order.status !== 'completed') {
        throw new ConflictError(`Only completed orders can be reviewed; this one is ${order.status}.`);
      }
      const [existing] = await sequelize.query('SELECT 1 FROM reviews WHERE order_id = $1 AND product_id = $2', {
        bind: [input.order_id, input.product_id],
        type: QueryTypes.SELECT,
        transaction,
      });
      if (existing) throw new ConflictError(ALREADY_REVIEWED);
      const [review] = await sequelize.query<{ id: number }>(
        `INSERT INTO reviews (user_id, order_id, product_id, rating, content, images, visible, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, true, now(), now()) RETURNING id`,
        {
          bind: [userId, input.order_id, input.product_id, input.rating, input.content ?? null, JSON.stringify(images)],
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      await refreshProductRating(input.product_id, transaction);
      return review!.id; // INSERT … RETURNING always returns the row
    });
    await invalidateReviews(input.product_id);
    return await readReview(reviewId);
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new ConflictError(ALREADY_REVIEWED);
    throw error;
  }
}

/** A review with its reviewer's username. */
export async function readReview(reviewId: number): Promise<ReviewOut> {
  const [review] = await sequelize.query<ReviewOut>(
    `SELECT r.id, r.product_id, r.rating, r.content, r.images, u.username, r.created_at
       FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.id = $1`,
    { bind: [reviewId], type: QueryTypes.SELECT },
  );
  if (!review) throw new NotFoundError(`Review ${reviewId} does not exist.`);
  return review;
}

/**
 * Staff moderation: hides or shows a review, recomputes the product's
 * rating from the visible reviews and writes the audit row, in one
 * transaction. Returns false when the review was already in that state.
 */
export async function setReviewVisibility(reviewId: number, visible: boolean, adminId: number): Promise<boolean> {
  const productId = await sequelize.transaction(async (transaction) => {
    const [review] = await sequelize.query<{ product_id: number; visible: boolean }>(
      'SELECT product_id, visible FROM reviews WHERE id = $1 FOR UPDATE',
      { bind: [reviewId], type: QueryTypes.SELECT, transaction },
    );
    if (!review) throw new NotFoundError(`Review ${reviewId} does not exist.`);
    if (review.visible === visible) return undefined;
    await sequelize.query('UPDATE reviews SET visible = $2, updated_at = now() WHERE id = $1', {
      bind: [reviewId, visible],
      transaction,
    });
    await refreshProductRating(review.product_id, transaction);
    await recordAdminAction(
      {
        adminId,
        action: visible ? 'show' : 'hide',
        targetType: 'reviews',
        targetId: reviewId,
        changes: { visible: { old: !visible, new: visible } },
      },
      transaction,
    );
    return review.product_id;
  });
  if (productId === undefined) return false;
  await invalidateReviews(productId);
  return true;
}

/**
 * Staff removal of a review, in the caller's transaction (which holds its
 * audit row): the product's rating is recomputed from the reviews left.
 * The caller drops the product's review cache after commit.
 */
export async function deleteReview(reviewId: number, transaction: Transaction): Promise<RecordChange> {
  const review = await lockedRow(Review, reviewId, transaction, 'Review');
  const before = snapshot(review);
  await review.destroy({ transaction });
  await refreshProductRating(review.product_id, transaction);
  return { before, after: null };
}
