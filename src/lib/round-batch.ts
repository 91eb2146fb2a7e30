/**
 * Batching per event-loop round: calls made while the event loop handles one
 * round of I/O (every request whose bytes arrived together, say) are run as
 * one operation in the check phase right after it (setImmediate).
 *
 * Used for two things in checkout-service.ts: the cart checks (PRECHECK)
 * of one round are one query, and the checkouts the stock gate admits in
 * one round are placed by one statement and one commit (GROUP_CHECKOUT).
 * Measured (`npm run bench -- --ablate round-batch --only race,checkout`,
 * 100k products, AMD EPYC 2 cores): without it the sale's p99 is 294 ms
 * against 190 ms (200 cart checks queue for 10 pooled connections, and the
 * group's statement behind them), sustained checkout 0.75x the orders/s.
 * It once also batched Redis MGETs; ioredis's auto-pipelining does that now.
 */

import { config } from '../config.js';

/** Runs every input of one round at once; resolves with one output per input, in order. */
export type RunBatch<In, Out> = (inputs: In[]) => Promise<Out[]>;

/**
 * Returns a function that queues `input` for this round's batch and resolves
 * with its own output. When the batch fails, every call in it fails with
 * the same error.
 */
export function roundBatch<In, Out>(run: RunBatch<In, Out>): (input: In) => Promise<Out> {
  // Switched off (FAST_PATHS_OFF=round-batch): every call is a batch of one, run at once.
  if (!config.fastPaths['round-batch']) return (input) => run([input]).then(([output]) => output!);
  let inputs: In[] = [];
  let settlers: { resolve: (output: Out) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = inputs;
    const waiting = settlers;
    inputs = [];
    settlers = [];
    Promise.resolve(batch)
      .then(run)
      .then(
        (outputs) => waiting.forEach(({ resolve }, i) => resolve(outputs[i]!)),
        (error: unknown) => waiting.forEach(({ reject }) => reject(error)),
      );
  };
  return (input) =>
    new Promise<Out>((resolve, reject) => {
      if (inputs.length === 0) setImmediate(flush);
      inputs.push(input);
      settlers.push({ resolve, reject });
    });
}
