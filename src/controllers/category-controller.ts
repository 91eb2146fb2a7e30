import { Controller, Get, Path, Request, Response, Route, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { CategoryOut } from '../schemas/category.js';
import type { Id } from '../schemas/common.js';
import type { ProblemDetails, ValidationProblem } from '../schemas/problem.js';
import { getCategory, listCategories } from '../services/category-service.js';
import { PUBLIC_CATALOG } from './cache-policy.js';
import { sendJson } from './json.js';

/** The shop's departments. Public: no token needed. */
@Route('api/v1/categories')
@Tags('Catalog')
export class CategoryController extends Controller {
  /**
   * Every category, ordered by `sort_order` and then by name, each with the
   * number of products currently listed in it (archived products are not
   * counted). Served from a Redis cache that product and category changes
   * invalidate; if Redis is down the list comes straight from PostgreSQL.
   * @summary List categories
   */
  @Get()
  public async listCategories(@Request() req: ExpressRequest): Promise<CategoryOut[]> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return sendJson(this, req, await listCategories());
  }

  /**
   * One category with its count of listed products.
   * @summary Get a category
   * @param category_id The category's id.
   */
  @Get('{category_id}')
  @Response<ProblemDetails>(404, 'No category has this id', undefined, 'application/problem+json')
  @Response<ValidationProblem>(
    422,
    'The id is not a whole number from 1 to 2147483647',
    undefined,
    'application/problem+json',
  )
  public async getCategory(@Path() category_id: Id): Promise<CategoryOut> {
    this.setHeader('Cache-Control', PUBLIC_CATALOG);
    return getCategory(category_id);
  }
}
