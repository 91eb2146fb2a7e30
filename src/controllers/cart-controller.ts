import {
  Body,
  Controller,
  Delete,
  Get,
  Patch,
  Path,
  Post,
  Request,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { AddCartItemRequest, CartOut, SetCartItemRequest } from '../schemas/cart.js';
import type { Id } from '../schemas/common.js';
import type {
  InsufficientStockProblem,
  LimitReachedProblem,
  ProblemDetails,
  ValidationProblem,
} from '../schemas/problem.js';
import { addToCart, clearCart, getCart, removeFromCart, setCartQuantity } from '../services/cart-service.js';

/** The caller's cart. Needs an access token. */
@Route('api/v1/cart')
@Tags('Cart')
@Security('jwt')
export class CartController extends Controller {
  /**
   * The cart's lines with each product's current name, price and stock, the
   * total quantity and the total amount.
   * @summary Get my cart
   */
  @Get()
  public async getCart(@Request() req: ExpressRequest): Promise<CartOut> {
    return getCart(req.user!.id);
  }

  /**
   * Puts a product in the cart, or adds to its line if it is already there.
   * Answers with the whole cart.
   * @summary Add to cart
   */
  @Post('items')
  @SuccessResponse<{ Location: string }>(201, 'Added; the whole cart (Location: /api/v1/cart)')
  @Response<ProblemDetails>(404, 'No product with this id is for sale', undefined, 'application/problem+json')
  @Response<InsufficientStockProblem | ProblemDetails>(
    409,
    'The line would hold more than is in stock (`insufficient-stock`), or the cart changed meanwhile (`conflict`: retry)',
    undefined,
    'application/problem+json',
  )
  @Response<ValidationProblem | LimitReachedProblem>(
    422,
    'Invalid product id or quantity, or unknown fields (`validation-error`); more units than a line or cart may hold (`limit-reached`)',
    undefined,
    'application/problem+json',
  )
  public async addCartItem(@Request() req: ExpressRequest, @Body() body: AddCartItemRequest): Promise<CartOut> {
    const cart = await addToCart(req.user!.id, body.product_id, body.quantity);
    this.setHeader('Location', '/api/v1/cart');
    this.setStatus(201);
    return cart;
  }

  /**
   * Sets the quantity of a product already in the cart. Answers with the
   * whole cart.
   * @summary Change a line's quantity
   * @param product_id The product's id.
   */
  @Patch('items/{product_id}')
  @Response<ProblemDetails>(
    404,
    'The product is not in the cart, or not for sale',
    undefined,
    'application/problem+json',
  )
  @Response<InsufficientStockProblem | ProblemDetails>(
    409,
    'More than is in stock (`insufficient-stock`), or the cart changed meanwhile (`conflict`: retry)',
    undefined,
    'application/problem+json',
  )
  @Response<ValidationProblem | LimitReachedProblem>(
    422,
    'Invalid quantity or unknown fields (`validation-error`); more units than a line or cart may hold (`limit-reached`)',
    undefined,
    'application/problem+json',
  )
  public async setCartItemQuantity(
    @Request() req: ExpressRequest,
    @Path() product_id: Id,
    @Body() body: SetCartItemRequest,
  ): Promise<CartOut> {
    return setCartQuantity(req.user!.id, product_id, body.quantity);
  }

  /**
   * Takes a product out of the cart.
   * @summary Remove a line
   * @param product_id The product's id.
   */
  @Delete('items/{product_id}')
  @SuccessResponse(204, 'Removed')
  @Response<ProblemDetails>(404, 'The product is not in the cart', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Invalid product id', undefined, 'application/problem+json')
  public async removeCartItem(@Request() req: ExpressRequest, @Path() product_id: Id): Promise<void> {
    await removeFromCart(req.user!.id, product_id);
    this.setStatus(204);
  }

  /**
   * Empties the cart.
   * @summary Empty my cart
   */
  @Delete()
  @SuccessResponse(204, 'Emptied')
  public async clearCart(@Request() req: ExpressRequest): Promise<void> {
    await clearCart(req.user!.id);
    this.setStatus(204);
  }
}
