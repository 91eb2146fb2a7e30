/**
 * Admission of checkouts per product, within this process: the units that
 * checkouts running right now may take never exceed the units the product
 * had when last looked at (without locking). A crowd that arrives for the
 * last units of a sale therefore does not queue for the product's row lock
 * in PostgreSQL — where each doomed checkout would lock the row, find
 * nothing, and commit in turn, one after the other — but waits here, holding
 * no database connection, and looks at the stock again once the checkouts
 * ahead of it are settled.
 *
 * Only an optimisation: PostgreSQL still decides every checkout (one
 * statement that locks, checks and takes the stock), so several processes,
 * or a stock change made elsewhere meanwhile, stay correct. Measured with
 * PostgreSQL alone: 200 checkouts of the last 10 units take about 250 ms when
 * all of them reach the row lock, about 45 ms when the losers never do.
 * Through the app (`npm run bench -- --ablate stock-gate`, 100k products):
 * the sale's p99 is 324 ms without it, 158 ms with it.
 *
 * With several instances each one gates its own crowd: still correct (the
 * database decides), and each instance's losers still never queue on the
 * row lock for units its own admitted checkouts hold; those of other
 * instances they may (issue #18 measures it behind nginx).
 */

/** A line to admit: `quantity` units of `product_id`, of which `available` were in stock when last looked at. */
export interface GateLine {
  product_id: number;
  quantity: number;
  available: number;
}

interface Gate {
  /** Units claimed by admitted checkouts that have not finished. */
  claimed: number;
  /** The stock the latest finished checkout saw under the row lock (after taking its units), if it said. */
  stock?: number;
  /** Waiting checkouts, woken (with `stock`) when nothing is claimed any more. */
  waiters: ((stock: number | undefined) => void)[];
}

const gates = new Map<number, Gate>();

/**
 * What the latest settled checkouts of a product saw under its row lock, and
 * when (performance.now()), kept for MAX_WAIT_MS: a look at the stock taken
 * before that moment (a precheck whose answer arrives after the gate
 * emptied) is older than this.
 */
const lastSettled = new Map<number, { stock: number; at: number }>();

/** Remembers the stock a product's settled checkouts left; forgets what is older than MAX_WAIT_MS. */
function rememberSettled(productId: number, stock: number): void {
  const now = performance.now();
  lastSettled.delete(productId);
  lastSettled.set(productId, { stock, at: now });
  // Insertion order is time order: drop from the front while stale.
  for (const [id, entry] of lastSettled) {
    if (now - entry.at <= MAX_WAIT_MS) break;
    lastSettled.delete(id);
  }
}

/**
 * The lines with the stock brought up to date: where checkouts of a product
 * settled after `lookedAt` (the moment the lines were read), the stock they
 * saw under the row lock is newer than what was read, so the lower of the
 * two counts.
 */
export function withSettledStock<T extends GateLine>(lines: readonly T[], lookedAt: number): T[] {
  return lines.map((line) => {
    const settledStock = lastSettled.get(line.product_id);
    return settledStock && settledStock.at > lookedAt && settledStock.stock < line.available
      ? { ...line, available: settledStock.stock }
      : line;
  });
}

/** How long a checkout waits for the ones ahead before it goes to PostgreSQL anyway. */
const MAX_WAIT_MS = 2_000;

const gateOf = (productId: number): Gate => {
  let gate = gates.get(productId);
  if (!gate) {
    gate = { claimed: 0, waiters: [] };
    gates.set(productId, gate);
  }
  return gate;
};

/** Ends an admitted checkout: frees its units, with the stock it saw per product when it knows it. */
export type Release = (stockAfter?: ReadonlyMap<number, number>) => void;

/**
 * Claims every line's units when each product has them unclaimed (all or
 * nothing) and returns the release function; undefined when some product's
 * units are all claimed by checkouts running now.
 */
export function tryAdmit(lines: readonly GateLine[]): Release | undefined {
  if (lines.some((line) => (gates.get(line.product_id)?.claimed ?? 0) + line.quantity > line.available)) {
    return undefined;
  }
  for (const line of lines) gateOf(line.product_id).claimed += line.quantity;
  let released = false;
  return (stockAfter) => {
    if (released) return;
    released = true;
    for (const line of lines) {
      const gate = gateOf(line.product_id);
      gate.claimed -= line.quantity;
      gate.stock = stockAfter?.get(line.product_id);
      if (gate.claimed > 0) continue;
      gates.delete(line.product_id);
      if (gate.stock !== undefined) rememberSettled(line.product_id, gate.stock);
      for (const wake of gate.waiters) wake(gate.stock);
    }
  };
}

/**
 * Resolves when none of the lines' units are claimed any more (the checkouts
 * ahead are settled), with the stock per product the last of them saw under
 * the row lock where it said; a product without one needs a fresh look.
 * Resolves after MAX_WAIT_MS at most (then with nothing known).
 */
export function settled(lines: readonly GateLine[]): Promise<Map<number, number>> {
  const known = new Map<number, number>();
  const busy = lines.filter((line) => gates.has(line.product_id));
  if (busy.length === 0) return Promise.resolve(known);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(new Map()), MAX_WAIT_MS);
    timer.unref();
    let pending = busy.length;
    for (const line of busy) {
      gates.get(line.product_id)!.waiters.push((stock) => {
        if (stock !== undefined) known.set(line.product_id, stock);
        pending -= 1;
        if (pending === 0) {
          clearTimeout(timer);
          resolve(known);
        }
      });
    }
  });
}

/** The time limit on waiting, for callers that must know when to stop asking (the deadline of a checkout). */
export const GATE_MAX_WAIT_MS = MAX_WAIT_MS;
