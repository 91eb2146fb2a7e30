/**
 * The examples in the spec: one for every response (finish-spec.ts puts
 * them in). Each is typed as what the server sends on the wire, so a schema
 * change that they no longer match fails the type check, and the test suite
 * validates every one against the finished spec (test/openapi.test.ts).
 */
import type { CartOut } from '../schemas/cart.js';
import type { CategoryOut } from '../schemas/category.js';
import type { Page } from '../schemas/common.js';
import type { HealthStatus, ReadinessReport } from '../schemas/health.js';
import type { OrderOut, OrderSummary } from '../schemas/order.js';
import type {
  IdempotencyKeyInUseProblem,
  IllegalTransitionProblem,
  InsufficientStockProblem,
  LimitReachedProblem,
  NotReadyProblem,
  OutOfStockProblem,
  ProblemType,
  ValidationProblem,
} from '../schemas/problem.js';
import type { ProductDetail, ProductPage, ProductSummary, ReviewOut } from '../schemas/product.js';
import type { TokenPair } from '../schemas/auth.js';
import type { UserOut } from '../schemas/user.js';

/** A response type as JSON carries it: dates are ISO 8601 strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

const AT = '2026-12-01T09:30:00.000Z';
const LATER = '2026-12-01T09:42:10.000Z';

const user: Wire<UserOut> = {
  id: 7,
  username: 'ada',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  role: 'customer',
  is_active: true,
  created_at: AT,
  updated_at: AT,
};

const tokens: Wire<TokenPair> = {
  access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3IiwidHlwZSI6ImFjY2VzcyJ9.c2lnbmF0dXJl',
  refresh_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3IiwidHlwZSI6InJlZnJlc2gifQ.c2lnbmF0dXJl',
  token_type: 'bearer',
  expires_in: 900,
  refresh_expires_in: 604800,
};

const product: Wire<ProductSummary> = {
  id: 42,
  name: 'Trail Running Jacket',
  price: '89.90',
  stock: 12,
  image_url: 'https://images.example.com/products/42.jpg',
  category_id: 3,
  rating_avg: 4.5,
  review_count: 8,
  sales_count: 130,
  created_at: AT,
};

const productDetail: Wire<ProductDetail> = {
  ...product,
  description: 'A light, waterproof jacket with taped seams and a packable hood.',
  category: { id: 3, name: 'Outdoor' },
  updated_at: LATER,
};

const productPage: Wire<ProductPage> = { items: [product], total: 1, page: 1, page_size: 20, total_capped: false };

const review: Wire<ReviewOut> = {
  id: 5,
  product_id: 42,
  rating: 5,
  content: 'Kept me dry on a wet ridge walk.',
  images: [],
  username: 'ada',
  created_at: LATER,
};

const category: Wire<CategoryOut> = {
  id: 3,
  name: 'Outdoor',
  description: 'Jackets, tents and everything for the trail.',
  sort_order: 1,
  product_count: 128,
};

const cart: Wire<CartOut> = {
  items: [{ product_id: 42, name: 'Trail Running Jacket', price: '89.90', quantity: 2, subtotal: '179.80', stock: 12 }],
  total_quantity: 2,
  total_amount: '179.80',
};

const order = (status: OrderOut['status'], times: Partial<Wire<OrderOut>> = {}): Wire<OrderOut> => ({
  id: 1001,
  status,
  total_amount: '179.80',
  shipping_address: "Ada Lovelace, 12 St James's Square, London SW1Y 4JH",
  items: [{ product_id: 42, product_name: 'Trail Running Jacket', price: '89.90', quantity: 2, subtotal: '179.80' }],
  created_at: AT,
  updated_at: times.updated_at ?? AT,
  paid_at: null,
  shipped_at: null,
  completed_at: null,
  cancelled_at: null,
  expires_at: status === 'pending' ? '2026-12-01T10:00:00.000Z' : null,
  cancel_reason: null,
  ...times,
});

const orderSummary: Wire<OrderSummary> = {
  id: 1001,
  status: 'paid',
  total_amount: '179.80',
  item_count: 1,
  total_quantity: 2,
  created_at: AT,
  updated_at: LATER,
};

const page = <T>(items: T[]): Wire<Page<T>> =>
  ({ items, total: items.length, page: 1, page_size: 20 }) as Wire<Page<T>>;

const ready: Wire<ReadinessReport> = { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } };
const alive: Wire<HealthStatus> = { status: 'ok', uptime_seconds: 3600, redis: 'ok' };

/** The success example of each operation (by operationId) and status. */
export const RESPONSE_EXAMPLES: Record<string, Record<string, unknown>> = {
  register: { '201': user },
  login: { '200': tokens },
  refreshTokens: { '200': tokens },
  getMyAccount: { '200': user },
  updateMyAccount: { '200': { ...user, email: 'ada.lovelace@example.com', updated_at: LATER } },
  listCategories: { '200': [category] },
  getCategory: { '200': category },
  listProducts: { '200': productPage },
  listHotProducts: { '200': [product] },
  getProduct: { '200': productDetail },
  listProductReviews: { '200': page([review]) },
  getCart: { '200': cart },
  addCartItem: { '201': cart },
  setCartItemQuantity: { '200': cart },
  checkout: { '201': order('pending') },
  listOrders: { '200': page([orderSummary]) },
  getOrder: { '200': order('pending') },
  payOrder: { '200': order('paid', { paid_at: LATER, updated_at: LATER }) },
  cancelOrder: {
    '200': order('cancelled', { cancelled_at: LATER, updated_at: LATER, cancel_reason: 'shopper' }),
  },
  confirmOrder: {
    '200': order('completed', {
      paid_at: LATER,
      shipped_at: LATER,
      completed_at: LATER,
      updated_at: LATER,
    }),
  },
  createReview: { '201': review },
  getIndex: {
    '200': {
      name: 'Emporium API',
      links: {
        api: '/api/v1',
        openapi: '/openapi.json',
        docs: '/docs',
        redoc: '/redoc',
        admin: '/admin',
        health: '/health',
        ready: '/ready',
      },
    },
  },
  getHealth: { '200': alive },
  getReadiness: { '200': ready },
  getRoutingReadiness: { '200': { status: 'degraded', checks: { postgres: 'ok', redis: 'unavailable' } } },
};

/** A problem subtype's example: its own `type` and members, the generic ones filled in by problemExample. */
type Example<T extends { type: ProblemType }> = Pick<T, 'type'> & Partial<Omit<T, 'type'>>;

/** What each status's generic problem says in the examples. */
const GENERIC: Record<number, [slug: string, title: string, detail: string]> = {
  400: ['malformed-json', 'Bad request', 'The request body is not valid JSON.'],
  401: ['unauthorized', 'Unauthorized', 'The access token has expired.'],
  403: ['forbidden', 'Forbidden', 'You are not allowed to do this.'],
  404: ['not-found', 'Not found', 'The requested resource does not exist.'],
  409: ['conflict', 'Conflict', 'This conflicts with an existing record.'],
  413: ['payload-too-large', 'Payload too large', 'The request body exceeds the 100kb limit.'],
  415: ['unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.'],
  429: ['rate-limited', 'Too many requests', 'Too many requests. Try again later.'],
  500: ['internal-error', 'Internal server error', 'Something went wrong on our side.'],
  503: ['service-unavailable', 'Service unavailable', 'The database is unavailable. Try again shortly.'],
};

const REQUEST_ID = '0f8e2a4c-3c1b-4d7a-9b1e-5f6a7b8c9d0e';

/** The members of each problem subtype beyond the generic ones, for the examples. */
export const PROBLEM_EXAMPLES: Record<string, (status: number) => { type: ProblemType } & Record<string, unknown>> = {
  ValidationProblem: (): Example<ValidationProblem> => ({
    type: 'urn:emporium:problem:validation-error',
    title: 'Validation failed',
    detail: 'The request has invalid fields.',
    errors: [{ field: 'page_size', message: 'must be at most 100' }],
  }),
  LimitReachedProblem: (status): Example<LimitReachedProblem> => ({
    type: 'urn:emporium:problem:limit-reached',
    title: 'Limit reached',
    ...(status === 409
      ? {
          detail: 'You already have 3 unpaid orders: pay or cancel one first.',
          limit: { name: 'max_pending_orders', max: 3 },
        }
      : { detail: 'An order can hold at most 500 units.', limit: { name: 'max_units_per_order', max: 500 } }),
  }),
  OutOfStockProblem: (): Example<OutOfStockProblem> => ({
    type: 'urn:emporium:problem:out-of-stock',
    title: 'Out of stock',
    detail: 'Not enough stock for: Trail Running Jacket (1 available, 2 wanted).',
    products: [{ product_id: 42, name: 'Trail Running Jacket', requested: 2, available: 1 }],
  }),
  InsufficientStockProblem: (): Example<InsufficientStockProblem> => ({
    type: 'urn:emporium:problem:insufficient-stock',
    title: 'Not enough stock',
    detail: 'Only 2 of product 42 in stock; the cart would hold 3.',
    product_id: 42,
    available: 2,
  }),
  IllegalTransitionProblem: (): Example<IllegalTransitionProblem> => ({
    type: 'urn:emporium:problem:illegal-transition',
    title: 'Illegal status change',
    detail: 'An order that is shipped cannot be moved to cancelled.',
    order_status: 'shipped',
    allowed: ['completed'],
  }),
  IdempotencyKeyInUseProblem: (): Example<IdempotencyKeyInUseProblem> => ({
    type: 'urn:emporium:problem:idempotency-key-in-use',
    title: 'Idempotency-Key in use',
    detail: 'A request with this Idempotency-Key is still being processed. Retry shortly.',
  }),
  NotReadyProblem: (): Example<NotReadyProblem> => ({
    type: 'urn:emporium:problem:service-unavailable',
    title: 'Service unavailable',
    detail: 'Not ready: redis unavailable.',
    checks: { postgres: 'ok', redis: 'unavailable' },
  }),
};

/** A sample problem body of schema `name` for `status` at `instance`. */
export function problemExample(name: string, status: number, instance: string): Record<string, unknown> {
  const [slug, title, detail] = GENERIC[status] ?? GENERIC[500]!;
  const members = PROBLEM_EXAMPLES[name]?.(status) ?? {};
  return {
    type: `urn:emporium:problem:${slug}`,
    title,
    status,
    detail,
    instance,
    request_id: REQUEST_ID,
    ...members,
  };
}
