import {
  Body,
  Controller,
  Get,
  Header,
  Path,
  Post,
  Query,
  Request,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Id, Page, PageNumber, PageSize } from '../schemas/common.js';
import type { CheckoutRequest, IdempotencyKey, OrderOut, OrderStatus, OrderSummary } from '../schemas/order.js';
import type {
  IdempotencyKeyInUseProblem,
  IllegalTransitionProblem,
  LimitReachedProblem,
  OutOfStockProblem,
  ProblemDetails,
  ValidationProblem,
} from '../schemas/problem.js';
import { checkout } from '../services/checkout-service.js';
import { type Actor, getOrder, listOrders, transitionOrder } from '../services/order-service.js';

const shopper = (req: ExpressRequest): Actor => ({ kind: 'shopper', userId: req.user!.id });

/**
 * The caller's orders. Needs an access token. Another user's order is 404 on
 * every endpoint, exactly like an order that does not exist.
 */
@Route('api/v1/orders')
@Tags('Orders')
@Security('jwt')
export class OrderController extends Controller {
  /**
   * Checks out the whole cart in one transaction: every line's stock is
   * checked and taken (never oversold, however many shoppers buy at once),
   * names and prices are copied into the order, the total is computed on the
   * server and the cart is emptied. If any line is short of stock, 409 names
   * the products (`products`) and nothing changes.
   *
   * Send an `Idempotency-Key` header to make retries safe: the same key with
   * the same body returns the same order (201, header `Idempotent-Replayed:
   * true`) instead of a second one; the same key with a different body is
   * 422; while the first request is still running, 409.
   * @summary Check out
   * @param idempotency_key Any unique string per checkout attempt, e.g. a UUID.
   */
  @Post()
  @SuccessResponse<{ Location: string; 'Idempotent-Replayed'?: 'true' }>(
    201,
    'Order placed (or replayed); Location is the order',
  )
  @Response<OutOfStockProblem | IdempotencyKeyInUseProblem | LimitReachedProblem>(
    409,
    'Not enough stock (`out-of-stock`, see products), the same Idempotency-Key is in flight (`idempotency-key-in-use`), or too many unpaid orders (`limit-reached`)',
    undefined,
    'application/problem+json',
  )
  @Response<ValidationProblem | LimitReachedProblem>(
    422,
    'Empty cart, invalid address or unknown fields, an Idempotency-Key reused with a different body (`validation-error`), or more units than an order may hold (`limit-reached`)',
    undefined,
    'application/problem+json',
  )
  public async checkout(
    @Request() req: ExpressRequest,
    @Body() body: CheckoutRequest,
    @Header('Idempotency-Key') idempotency_key?: IdempotencyKey,
  ): Promise<OrderOut> {
    const { order, replayed } = await checkout(req.user!.id, body, idempotency_key);
    if (replayed) this.setHeader('Idempotent-Replayed', 'true');
    this.setHeader('Location', `/api/v1/orders/${order.id}`);
    this.setStatus(201);
    return order;
  }

  /**
   * The caller's orders, newest first.
   * @summary List my orders
   * @param page Page number, from 1.
   * @param page_size Orders per page, 1 to 100 (default 20).
   * @param status Only orders with this status.
   */
  @Get()
  @Response<ValidationProblem>(422, 'Invalid paging or status', undefined, 'application/problem+json')
  public async listOrders(
    @Request() req: ExpressRequest,
    @Query() page?: PageNumber,
    @Query() page_size?: PageSize,
    @Query() status?: OrderStatus,
  ): Promise<Page<OrderSummary>> {
    return listOrders(req.user!.id, page, page_size, status);
  }

  /**
   * One of the caller's orders with its lines.
   * @summary Get an order
   * @param order_id The order's id.
   */
  @Get('{order_id}')
  @Response<ProblemDetails>(404, 'No such order of yours', undefined, 'application/problem+json')
  public async getOrder(@Request() req: ExpressRequest, @Path() order_id: Id): Promise<OrderOut> {
    return getOrder(order_id, shopper(req));
  }

  /**
   * Pays a pending order. **Mock payment**: no money moves; the order simply
   * becomes paid. Only a pending order can be paid (409 otherwise).
   * @summary Pay (mock)
   * @param order_id The order's id.
   */
  @Post('{order_id}/pay')
  @Response<ProblemDetails>(404, 'No such order of yours', undefined, 'application/problem+json')
  @Response<IllegalTransitionProblem>(409, 'The order is not pending', undefined, 'application/problem+json')
  public async payOrder(@Request() req: ExpressRequest, @Path() order_id: Id): Promise<OrderOut> {
    return transitionOrder(order_id, 'pay', shopper(req));
  }

  /**
   * Cancels a pending or paid order and puts its units back in stock, in
   * the same transaction (a paid order is refunded: with mock payment,
   * nothing to do). Shipped or completed orders cannot be cancelled (409).
   * @summary Cancel
   * @param order_id The order's id.
   */
  @Post('{order_id}/cancel')
  @Response<ProblemDetails>(404, 'No such order of yours', undefined, 'application/problem+json')
  @Response<IllegalTransitionProblem>(
    409,
    'The order is shipped, completed or already cancelled',
    undefined,
    'application/problem+json',
  )
  public async cancelOrder(@Request() req: ExpressRequest, @Path() order_id: Id): Promise<OrderOut> {
    return transitionOrder(order_id, 'cancel', shopper(req));
  }

  /**
   * Confirms receipt of a shipped order, which completes it (and lets the
   * shopper review its products). Only shipped orders (409 otherwise).
   * @summary Confirm receipt
   * @param order_id The order's id.
   */
  @Post('{order_id}/confirm')
  @Response<ProblemDetails>(404, 'No such order of yours', undefined, 'application/problem+json')
  @Response<IllegalTransitionProblem>(409, 'The order is not shipped', undefined, 'application/problem+json')
  public async confirmOrder(@Request() req: ExpressRequest, @Path() order_id: Id): Promise<OrderOut> {
    return transitionOrder(order_id, 'complete', shopper(req));
  }
}
