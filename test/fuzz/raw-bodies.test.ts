/**
 * Malformed raw requests against every operation of the served spec: broken
 * and truncated JSON, invalid UTF-8, wrong Content-Type or Content-Encoding,
 * bodies just over JSON_BODY_LIMIT, unknown methods and odd paths. The
 * default /auth rate limits stay on, so 429 problems (with Retry-After) are
 * checked too. FUZZ_RUNS / FUZZ_SEED as in api.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/context.js';
import { FuzzClient, type FuzzRequest, budget, operationsOf, seedOf, serve } from '../support/fuzz.js';
import { invariantViolations, stockLedger } from './invariants.js';
import { type Attack, malformedBody, requestFor } from './requests.js';
import { identityOf, seedWorld } from './seed.js';
import { hostileString, pct } from './values.js';

const REQUESTS = budget(process.env.FUZZ_RUNS, 0.2);
const SEED = seedOf(process.env.FUZZ_SEED);
const BATCH = 10;

const ctx = useTestApp();
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve(ctx.app);
});
afterAll(() => server?.close());

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'];
const ODD_PATHS = [
  '/api/v1/',
  '/api/v2/products',
  '/API/V1/PRODUCTS',
  '//api//v1//products',
  '/api/v1/products;x=1',
  '/api/v1/products%2F1',
  '/api/v1/products/1.json',
  '/api/v1/orders/1/PAY',
  '/api/v1/products/hot/1',
  '/api/v1/%00',
  '/api/v1/cart/items/',
  '/.env',
  '/openapi.json',
  '/docs',
  '/redoc',
  '/metrics',
  '/health?x=%',
  '/ready?%=%',
  `/api/v1/products?${'a=1&'.repeat(1_500)}`,
  '/api/v1/products?page=1&page=2&page[]=3&page[a]=4',
];

describe('fuzzing with malformed raw requests', () => {
  it(
    `answers ${REQUESTS} malformed requests with 2xx/4xx problems and keeps the invariants`,
    async () => {
      const world = await seedWorld(ctx.app);
      const operations = await operationsOf(server.baseUrl);
      const ledger = await stockLedger();
      const client = new FuzzClient(server.baseUrl, { shopper: identityOf(world.shopper) });
      const attack: Attack = { pools: world.pools, identities: ['shopper'], junkAuth: world.junkAuth, mode: 'valid' };

      // A well-formed request to an operation that takes a body, whose body is then broken.
      const withBody = operations
        .filter((op) => op.method !== 'GET')
        .map((op) =>
          fc
            .tuple(requestFor(op, attack), malformedBody(op.body?.schema, world.pools))
            .map(([request, { headers, body }]): FuzzRequest => ({ ...request, headers, body })),
        );
      // Any method on any path of the spec (real ids filled in), or on odd paths.
      const paths = operations.map((op) => op.path);
      const oddRoute = fc
        .tuple(
          fc.constantFrom(...METHODS),
          fc.oneof(
            fc
              .tuple(fc.constantFrom(...paths), fc.constantFrom(...world.pools.ids))
              .map(([p, id]) => p.replace(/\{\w+\}/g, String(id))),
            fc.constantFrom(...ODD_PATHS),
            hostileString.map((s) => `/api/v1/${pct(s).slice(0, 2_000)}`),
          ),
          fc.boolean(),
        )
        .map(([method, url, signedIn]): FuzzRequest => ({
          method,
          url,
          route: `(any) ${url.split('?')[0]!.slice(0, 40)}`,
          headers: {},
          auth: signedIn ? { as: 'shopper' } : undefined,
        }));
      const anyRequest = fc.oneof({ weight: 3, arbitrary: fc.oneof(...withBody) }, { weight: 1, arbitrary: oddRoute });

      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          await client.sendAll(batch);
          for (const broken of await invariantViolations(world.staffIds, ledger))
            client.record(batch[0]!, 0, `invariant broken after this batch: ${broken}`, '');
        }),
        { numRuns: Math.ceil(REQUESTS / BATCH), seed: SEED },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz raw: ${client.sent} requests in ${seconds.toFixed(1)} s (${Math.round(client.sent / seconds)}/s), ` +
          `${client.failures.length} failures, seed ${SEED}`,
      );

      expect.soft(client.failures.length, client.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      expect(client.sent).toBeGreaterThanOrEqual(REQUESTS);
    },
    Math.max(120_000, REQUESTS * 50),
  );
});
