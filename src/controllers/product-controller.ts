import { Controller, Get, Path, Query, Request, Response, Route, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Id, Money, Page, PageNumber, PageSize } from '../schemas/common.js';
import type { BestSellers, ProductDetail, ProductPage, ProductSort, ReviewOut } from '../schemas/product.js';
import type { ProblemDetails, ValidationProblem } from '../schemas/problem.js';
import { getProduct, hotProducts, listProductReviews, listProducts } from '../services/product-service.js';
import { PUBLIC_CATALOG } from './cache-policy.js';
import { sendJson } from './json.js';

/**
 * Search words: up to 200 characters. Quoted phrases, `or` and `-word` work
 * as in web search engines; the last word also matches as a prefix
 * (`headph` finds headphones) unless it is quoted or excluded.
 * @maxLength 200 must be at most 200 characters
 * @example "waterproof jacket"
 */
type SearchText = string;

/**
 * How many best sellers, 1 to 50.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 50 must be at most 50
 */
type HotLimit = number;

/** The catalog. Public: no token needed. Responses carry Cache-Control and an ETag (If-None-Match → 304). */
@Route('api/v1/products')
@Tags('Catalog')
export class ProductController extends Controller {
  /**
   * One page of products that are for sale (archived ones never appear).
   * Filter by category, price range (inclusive) and stock. Sorts: `newest`
   * (default), `price_asc`, `price_desc`, `name`, `rating`, `sales`.
   *
   * `q` searches names and descriptions (English full-text search: "kites"
   * finds a kite). The last word also matches as a prefix, as while typing
   * (unless it is quoted or excluded): `wireless headph` finds wireless
   * headphones. When the words as typed find nothing, typos are corrected
   * from the catalog's own words and the search runs again: `wireles
   * hedphones` finds wireless headphones (not for searches with quotes,
   * `or` or `-word`). Without `sort`, the best matches come first: words in
   * the name outrank words in the description. When thousands of products
   * match, the ranking weighs the 50 best sellers among them, and the other
   * matches follow, best sellers first.
   *
   * `total` is exact whenever `total_capped` is false: counting stops after
   * 1,000 matches, and then `total` is a lower bound (at least 1,000, or as
   * far as the page reaches) until a page shows where the list ends. Lists
   * filtered by nothing but the category are always counted exactly.
   *
   * Pages are cached for a few seconds, so stock in a list may lag a
   * purchase briefly.
   * @summary List products
   * @param page Page number, from 1.
   * @param page_size Products per page, 1 to 100 (default 20).
   * @param category_id Only products in this category.
   * @param q Search words, matched against name and description.
   * @param min_price Only products costing at least this much, e.g. "10" or "9.99".
   * @param max_price Only products costing at most this much.
   * @param in_stock true: only products in stock; false: only sold-out ones.
   * @param sort Order of the list (without it, a search is ordered by relevance and other lists by `newest`).
   */
  @Get()
  @Response<ValidationProblem>(422, 'Invalid query parameters', undefined, 'application/problem+json')
  public async listProducts(
    @Request() req: ExpressRequest,
    @Query() page?: PageNumber,
    @Query() page_size?: PageSize,
    @Query() category_id?: Id,
    @Query() q?: SearchText,
    @Query() min_price?: Money,
    @Query() max_price?: Money,
    @Query() in_stock?: boolean,
    @Query() sort?: ProductSort,
  ): Promise<ProductPage> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return sendJson(
      this,
      req,
      await listProducts({ page, page_size, category_id, q, min_price, max_price, in_stock, sort }),
    );
  }

  /**
   * Best sellers: the products with the most units on paid, shipped and
   * completed orders, most first. Served from a Redis cache refreshed every
   * few seconds.
   * @summary Hot products
   * @param limit How many, 1 to 50 (default 10).
   */
  @Get('hot')
  @Response<ValidationProblem>(422, 'Invalid limit', undefined, 'application/problem+json')
  public async listHotProducts(@Request() req: ExpressRequest, @Query() limit?: HotLimit): Promise<BestSellers> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return sendJson(this, req, await hotProducts(limit ?? 10));
  }

  /**
   * A product with its category, average rating and review count. Archived
   * (no longer sold) products are 404.
   * @summary Get a product
   * @param product_id The product's id.
   */
  @Get('{product_id}')
  @Response<ProblemDetails>(404, 'No product with this id is for sale', undefined, 'application/problem+json')
  @Response<ValidationProblem>(
    422,
    'The id is not a whole number from 1 to 2147483647',
    undefined,
    'application/problem+json',
  )
  public async getProduct(@Request() req: ExpressRequest, @Path() product_id: Id): Promise<ProductDetail> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return sendJson(this, req, await getProduct(product_id));
  }

  /**
   * A product's visible reviews, newest first, with each reviewer's username.
   * @summary List a product's reviews
   * @param product_id The product's id.
   * @param page Page number, from 1.
   * @param page_size Reviews per page, 1 to 100 (default 20).
   */
  @Get('{product_id}/reviews')
  @Response<ProblemDetails>(404, 'No product with this id is for sale', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Invalid id or paging', undefined, 'application/problem+json')
  public async listProductReviews(
    @Request() req: ExpressRequest,
    @Path() product_id: Id,
    @Query() page?: PageNumber,
    @Query() page_size?: PageSize,
  ): Promise<Page<ReviewOut>> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return sendJson(this, req, await listProductReviews(product_id, page, page_size));
  }
}
