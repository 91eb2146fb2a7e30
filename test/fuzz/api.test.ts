/**
 * Every operation of the served OpenAPI spec, fuzzed: hostile path, query,
 * header and body values, unknown fields, junk and forged tokens, beside a
 * valid shopper's token. Every answer must be 2xx/4xx (errors as RFC 9457
 * problems, no stack trace or SQL) and the database invariants must hold
 * after every batch. FUZZ_RUNS=<requests across the fuzz suite> runs longer,
 * FUZZ_SEED=<seed> replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useContractChecks, validatedListener } from '../support/contract-checks.js';
import { type Attack, requestFor } from './requests.js';

// Enough /auth requests per minute that validation, not the limiter, answers them (raw-bodies.test.ts keeps the limits).
process.env.AUTH_RATE_LIMIT = '100000';
process.env.LOGIN_MAX_FAILURES = '1000';
const { createRequestListener } = await import('../../src/app.js');
const { sequelize } = await import('../../src/db.js');
const { connectRedis, redis } = await import('../../src/redis.js');
const { resetState } = await import('../support/context.js');
const { FuzzClient, budget, operationsOf, seedOf, serve } = await import('../support/fuzz.js');
const { invariantViolations, stockLedger } = await import('./invariants.js');
const { identityOf, seedWorld } = await import('./seed.js');

const REQUESTS = budget(process.env.FUZZ_RUNS, 0.62);
const SEED = seedOf(process.env.FUZZ_SEED);
const BATCH = 10;

const app = validatedListener(createRequestListener());
useContractChecks();
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  await connectRedis();
  server = await serve(app);
});
beforeEach(resetState);
afterAll(async () => {
  await server?.close();
  await Promise.allSettled([sequelize.close(), redis.quit()]);
});

describe('fuzzing every operation of the spec', () => {
  it(
    `answers ${REQUESTS} hostile requests with 2xx/4xx problems and keeps the invariants`,
    async () => {
      const world = await seedWorld(app);
      const operations = await operationsOf(server.baseUrl);
      expect(operations.length).toBeGreaterThan(20);
      const ledger = await stockLedger();
      const client = new FuzzClient(server.baseUrl, { shopper: identityOf(world.shopper) });
      const attack: Attack = { pools: world.pools, identities: ['shopper'], junkAuth: world.junkAuth, mode: 'hostile' };
      // A third of the requests are well-formed (valid values, nasty content), to reach the business rules too.
      const anyRequest = fc.oneof(
        ...operations.map((op) =>
          fc.oneof({ weight: 2, arbitrary: requestFor(op, attack) }, requestFor(op, { ...attack, mode: 'valid' })),
        ),
      );

      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          await client.sendAll(batch);
          for (const broken of await invariantViolations(world.staffIds, ledger))
            client.record(
              batch[0]!,
              0,
              `invariant broken after this batch: ${broken}`,
              JSON.stringify(batch.map((r) => `${r.method} ${r.url}`)),
            );
        }),
        { numRuns: Math.ceil(REQUESTS / BATCH), seed: SEED },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz api: ${client.sent} requests in ${seconds.toFixed(1)} s (${Math.round(client.sent / seconds)}/s), ` +
          `${client.failures.length} failures, seed ${SEED}\n${client.coverage()}`,
      );

      expect.soft(client.failures.length, client.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      // Every operation was reached, and past authentication with the valid token.
      for (const op of operations) {
        const counts = client.statuses.get(`${op.method} ${op.path}`);
        expect(counts, `${op.method} ${op.path} was never called`).toBeDefined();
        const deeper = [...counts!].filter(([status]) => status !== 401 && status !== 429);
        expect(deeper.length, `${op.method} ${op.path} never got past authentication`).toBeGreaterThan(0);
      }
      expect(client.sent).toBeGreaterThanOrEqual(REQUESTS);
    },
    Math.max(120_000, REQUESTS * 50),
  );
});
