/**
 * A signed-in shopper aims well-formed requests at another shopper's orders,
 * cart lines, review and refresh token, on every authenticated operation of
 * the served spec. Another user's order is 404, nothing of theirs changes
 * (rows, cart as the API shows it, their login), and the invariants hold.
 * FUZZ_RUNS / FUZZ_SEED as in api.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/tokens.js';
import { useTestApp } from '../support/context.js';
import { FuzzClient, budget, operationsOf, seedOf, serve } from '../support/fuzz.js';
import { oneRow } from '../support/sql.js';
import { invariantViolations, stockLedger } from './invariants.js';
import { type Attack, requestFor } from './requests.js';
import { type Shopper, identityOf, seedWorld } from './seed.js';

const REQUESTS = budget(process.env.FUZZ_RUNS, 0.12);
const SEED = seedOf(process.env.FUZZ_SEED);
const BATCH = 8;

const ctx = useTestApp();
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve(ctx.app);
});
afterAll(() => server?.close());

/** Everything the database holds of one user, as one comparable text. */
async function rowsOf(userId: number): Promise<string> {
  const { snapshot } = await oneRow<{ snapshot: string }>(
    `SELECT json_build_object(
       'user', (SELECT row_to_json(u) FROM users u WHERE u.id = $1),
       'orders', (SELECT json_agg(o ORDER BY o.id) FROM orders o WHERE o.user_id = $1),
       'lines', (SELECT json_agg(i ORDER BY i.id) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1),
       'cart', (SELECT json_agg(c ORDER BY c.id) FROM carts c WHERE c.user_id = $1),
       'reviews', (SELECT json_agg(r ORDER BY r.id) FROM reviews r WHERE r.user_id = $1))::text AS snapshot`,
    [userId],
  );
  return snapshot;
}

/**
 * The user's cart lines as the API shows them to the user (through its Redis
 * cache), and that their login still works: the token is signed afresh in
 * the login's family, so it only works while that login lives (and never
 * expires during a long run).
 */
async function apiViewOf(baseUrl: string, who: Shopper): Promise<string> {
  const { fam } = JSON.parse(Buffer.from(who.access.split('.')[1]!, 'base64url').toString()) as { fam: string };
  const { token } = signToken('access', who.id, fam);
  const res = await fetch(`${baseUrl}/api/v1/cart`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) return `GET /cart as the victim: ${res.status}`;
  const cart = (await res.json()) as { items: { product_id: number; quantity: number }[] };
  return JSON.stringify(cart.items.map(({ product_id, quantity }) => [product_id, quantity]));
}

describe('fuzzing with another shopper’s ids', () => {
  it(
    `refuses ${REQUESTS} requests on another shopper's things and changes nothing of theirs`,
    async () => {
      const world = await seedWorld(ctx.app);
      const { victim } = world;
      const { id: reviewId } = await oneRow<{ id: number }>('SELECT id FROM reviews WHERE user_id = $1', [victim.id]);
      const operations = (await operationsOf(server.baseUrl)).filter((op) => op.secured);
      const client = new FuzzClient(server.baseUrl, { attacker: identityOf(world.shopper) });
      const attack: Attack = {
        pools: {
          ids: [...world.victimOrderIds, ...world.victimCartProductIds, victim.id, reviewId],
          strings: [victim.refresh, victim.access, victim.username, victim.email],
        },
        identities: ['attacker'],
        junkAuth: [],
        mode: 'valid',
      };
      const anyRequest = fc.oneof(...operations.map((op) => requestFor(op, attack)));
      const ledger = await stockLedger();
      const rowsBefore = await rowsOf(victim.id);
      const viewBefore = await apiViewOf(server.baseUrl, victim);
      const victimOrder = (url: string) => world.victimOrderIds.includes(Number(/\/orders\/(\d+)/.exec(url)?.[1]));

      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const answers = await client.sendAll(batch);
          batch.forEach((request, i) => {
            const status = answers[i]?.status ?? 0;
            // 401 only when the attacker's own logout in this batch revoked the token first.
            if (victimOrder(request.url) && status !== 404 && status !== 401)
              client.record(
                request,
                status,
                `another shopper's order answered ${status}, not 404`,
                answers[i]?.text ?? '',
              );
            if (/"order_id":\s*\d+/.test(String(request.body)) && status >= 200 && status < 300) {
              const orderId = Number(/"order_id":\s*(\d+)/.exec(String(request.body))![1]);
              if (world.victimOrderIds.includes(orderId))
                client.record(request, status, `accepted another shopper's order ${orderId}`, answers[i]?.text ?? '');
            }
          });
          const what = JSON.stringify(batch.map((r) => `${r.method} ${r.url} ${String(r.body ?? '').slice(0, 80)}`));
          if ((await rowsOf(victim.id)) !== rowsBefore)
            client.record(batch[0]!, 0, "the other shopper's rows changed in this batch", what);
          const view = await apiViewOf(server.baseUrl, victim);
          if (view !== viewBefore)
            client.record(batch[0]!, 0, `the other shopper's cart or login changed: ${view}`, what);
          for (const broken of await invariantViolations(world.staffIds, ledger))
            client.record(batch[0]!, 0, `invariant broken after this batch: ${broken}`, what);
        }),
        { numRuns: Math.ceil(REQUESTS / BATCH), seed: SEED },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz cross-user: ${client.sent} requests in ${seconds.toFixed(1)} s (${Math.round(client.sent / seconds)}/s), ` +
          `${client.failures.length} failures, seed ${SEED}\n${client.coverage()}`,
      );

      expect.soft(client.failures.length, client.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      expect(client.sent).toBeGreaterThanOrEqual(REQUESTS);
    },
    Math.max(120_000, REQUESTS * 50),
  );
});
