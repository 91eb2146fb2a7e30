import { Body, Controller, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { ProblemDetails, ValidationProblem } from '../schemas/problem.js';
import type { ReviewOut } from '../schemas/product.js';
import type { CreateReviewRequest } from '../schemas/review.js';
import { createReview } from '../services/review-service.js';

/** Writing reviews. Needs an access token. */
@Route('api/v1/reviews')
@Tags('Reviews')
@Security('jwt')
export class ReviewController extends Controller {
  /**
   * Reviews a product from one of the caller's **completed** orders: rating
   * 1 to 5, optional text (up to 2000 characters) and up to 9 http(s) image
   * URLs. One review per product per order. The product's average rating and
   * review count update at once.
   * @summary Review a product
   */
  @Post()
  @SuccessResponse(201, 'Created')
  @Response<ProblemDetails>(404, 'No such order of yours', undefined, 'application/problem+json')
  @Response<ProblemDetails>(
    409,
    'The order is not completed, or this product was already reviewed for it',
    undefined,
    'application/problem+json',
  )
  @Response<ValidationProblem>(
    422,
    'Invalid rating, text or images; the product is not on the order; or unknown fields',
    undefined,
    'application/problem+json',
  )
  public async createReview(@Request() req: ExpressRequest, @Body() body: CreateReviewRequest): Promise<ReviewOut> {
    const review = await createReview(req.user!.id, body);
    this.setStatus(201);
    return review;
  }
}
