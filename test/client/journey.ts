/**
 * A shopper's whole visit, through a client generated from the served spec
 * (openapi-typescript types + openapi-fetch) and nothing else from this
 * repository: what a client developer can build from /openapi.json alone.
 * It compiles under test/client/tsconfig.json (strict, no casts), so a spec
 * change that breaks generated clients breaks the build.
 */
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api.js';

type Schemas = components['schemas'];

/** One response the journey received, as the server sent it. */
export interface ApiCall {
  /** HTTP method, upper case. */
  method: string;
  /** The spec's path template, e.g. `/api/v1/orders/{order_id}/pay`. */
  path: string;
  status: number;
  /** The Content-Type header, or null without a body. */
  contentType: string | null;
}

/** What the journey did, for the caller to check against the database. */
export interface JourneySummary {
  userId: number;
  username: string;
  categoryId: number;
  /** Every product the filtered list showed. */
  listedProducts: Schemas['ProductSummary'][];
  productId: number;
  /** Stock the product page showed before the purchase. */
  stockBefore: number;
  quantity: number;
  cartTotal: string;
  orderId: number;
  /** The order as the confirmation returned it. */
  order: Schemas['OrderOut'];
  /** What paying the paid order again answered: its status and where it may still go. */
  payAgain: Pick<Schemas['IllegalTransitionProblem'], 'type' | 'order_status' | 'allowed'>;
  /** Whether checking out again with the same Idempotency-Key returned the same order, marked replayed. */
  replayedSameOrder: boolean;
  reviewId: number;
  /** The problem GET /users/me answered with the logged-out access token. */
  loggedOutProblem: Schemas['ProblemDetails'];
  /** The same for the login's first access token (replaced by the refresh, ended by the logout). */
  firstTokenProblem: Schemas['ProblemDetails'];
  /** The problem refreshing with the logged-out login's refresh token answered with (any of the refresh's problems). */
  revokedRefreshProblem: Pick<Schemas['ProblemDetails'], 'title' | 'status'> & { type: string };
  calls: ApiCall[];
}

/** A step of the journey got another answer than the spec's success for it. */
export class JourneyError extends Error {
  constructor(
    readonly step: string,
    readonly expected: number,
    readonly actual: number,
    readonly body: unknown,
  ) {
    super(`${step}: expected ${expected}, got ${actual}: ${JSON.stringify(body)}`);
    this.name = 'JourneyError';
  }
}

/** An openapi-fetch result: `data` on success, `error` otherwise. */
interface Outcome<Data, Problem> {
  data?: Data;
  error?: Problem;
  response: Response;
}

/** The success body of a step that must answer `status`. */
function expectData<Data, Problem>(step: string, status: number, outcome: Outcome<Data, Problem>): Data {
  const { data, error, response } = outcome;
  if (response.status !== status || data === undefined) throw new JourneyError(step, status, response.status, error);
  return data;
}

/** Checks a step that must answer 204 No Content. */
function expectNoContent<Data, Problem>(step: string, outcome: Outcome<Data, Problem>): void {
  if (outcome.response.status !== 204) throw new JourneyError(step, 204, outcome.response.status, outcome.error);
}

/** The error body of a step that must be refused with `status`. */
function expectProblem<Data, Problem>(step: string, status: number, outcome: Outcome<Data, Problem>): Problem {
  const { data, error, response } = outcome;
  if (response.status !== status || error === undefined) throw new JourneyError(step, status, response.status, data);
  return error;
}

const bearer = (token: string): { Authorization: string } => ({ Authorization: `Bearer ${token}` });

/**
 * Walks one new shopper through the shop at `baseUrl`: register, log in with
 * the OAuth2 password form, browse, buy, pay, confirm, review, refresh and
 * log out. `shipOrder` ships the order in between, as staff would in the
 * admin panel (shipping is not part of the API). The shop must have a
 * category with a product in stock.
 */
export async function runJourney(
  baseUrl: string,
  shipOrder: (orderId: number) => Promise<void>,
): Promise<JourneySummary> {
  const client = createClient<paths>({ baseUrl });
  const calls: ApiCall[] = [];
  client.use({
    onResponse({ request, response, schemaPath }) {
      calls.push({
        method: request.method,
        path: schemaPath,
        status: response.status,
        contentType: response.headers.get('content-type'),
      });
    },
  });

  const username = `shopper_${randomUUID().slice(0, 8)}`;
  const password = 'correct-horse-battery';
  const user = expectData(
    'register',
    201,
    await client.POST('/api/v1/auth/register', {
      body: { username, email: `${username}@example.com`, password },
    }),
  );

  // The spec offers JSON or the OAuth2 form; a browser's login form sends the latter.
  const login = expectData(
    'login (form)',
    200,
    await client.POST('/api/v1/auth/login', {
      body: { grant_type: 'password', username, password },
      bodySerializer: (body) =>
        new URLSearchParams({ grant_type: 'password', username: body.username, password: body.password }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  );
  const auth = bearer(login.access_token);

  const categories = expectData('list categories', 200, await client.GET('/api/v1/categories'));
  const stocked = categories.find((category) => category.product_count > 0);
  if (stocked === undefined) throw new Error('browse: no category has products');
  const category = expectData(
    'category detail',
    200,
    await client.GET('/api/v1/categories/{category_id}', { params: { path: { category_id: stocked.id } } }),
  );
  const list = expectData(
    'list products',
    200,
    await client.GET('/api/v1/products', {
      params: { query: { category_id: category.id, in_stock: true, sort: 'price_asc', page_size: 10 } },
    }),
  );
  const first = list.items[0];
  if (first === undefined) throw new Error(`browse: no product in stock in category ${category.id}`);
  const product = expectData(
    'product detail',
    200,
    await client.GET('/api/v1/products/{product_id}', { params: { path: { product_id: first.id } } }),
  );

  const quantity = 2;
  expectData(
    'add to cart',
    201,
    await client.POST('/api/v1/cart/items', { body: { product_id: product.id, quantity }, headers: auth }),
  );
  const cart = expectData('get cart', 200, await client.GET('/api/v1/cart', { headers: auth }));

  const idempotencyKey = randomUUID();
  const checkout = () =>
    client.POST('/api/v1/orders', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: { shipping_address: '12 St James Square, London SW1Y 4JH' },
      headers: auth,
    });
  const placed = expectData('checkout', 201, await checkout());
  // A retry (say, after a lost answer) must return the same order, not a second one.
  const retry = await checkout();
  const replayed = expectData('checkout retry', 201, retry);
  const replayedSameOrder = replayed.id === placed.id && retry.response.headers.get('idempotent-replayed') === 'true';

  const orderPath = { params: { path: { order_id: placed.id } }, headers: auth };
  const paid = expectData('pay', 200, await client.POST('/api/v1/orders/{order_id}/pay', orderPath));
  // Paying twice is refused with the order's status and the moves it still allows.
  const refusal = expectProblem('pay again', 409, await client.POST('/api/v1/orders/{order_id}/pay', orderPath));
  // `in`, not `type`: the error union also holds ProblemDetails, whose `type` is any string.
  if (!('allowed' in refusal)) throw new Error(`pay again: 409 without \`allowed\`: ${JSON.stringify(refusal)}`);
  const payAgain = { type: refusal.type, order_status: refusal.order_status, allowed: refusal.allowed };
  await shipOrder(paid.id);
  const order = expectData('confirm', 200, await client.POST('/api/v1/orders/{order_id}/confirm', orderPath));

  const review = expectData(
    'review',
    201,
    await client.POST('/api/v1/reviews', {
      body: { order_id: order.id, product_id: product.id, rating: 5, content: 'Exactly as described.' },
      headers: auth,
    }),
  );

  const fresh = expectData(
    'refresh',
    200,
    await client.POST('/api/v1/auth/refresh', { body: { refresh_token: login.refresh_token } }),
  );
  expectNoContent(
    'logout',
    await client.POST('/api/v1/auth/logout', {
      body: { refresh_token: fresh.refresh_token },
      headers: bearer(fresh.access_token),
    }),
  );
  const loggedOutProblem = expectProblem(
    'me after logout',
    401,
    await client.GET('/api/v1/users/me', { headers: bearer(fresh.access_token) }),
  );
  const firstTokenProblem = expectProblem(
    'first access token after logout',
    401,
    await client.GET('/api/v1/users/me', { headers: auth }),
  );
  const revokedRefreshProblem = expectProblem(
    'refresh after logout',
    401,
    await client.POST('/api/v1/auth/refresh', { body: { refresh_token: fresh.refresh_token } }),
  );

  return {
    userId: user.id,
    username: user.username,
    categoryId: category.id,
    listedProducts: list.items,
    productId: product.id,
    stockBefore: product.stock,
    quantity,
    cartTotal: cart.total_amount,
    orderId: order.id,
    order,
    payAgain,
    replayedSameOrder,
    reviewId: review.id,
    loggedOutProblem,
    firstTokenProblem,
    revokedRefreshProblem,
    calls,
  };
}
