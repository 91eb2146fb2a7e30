/** Load generation (autocannon as a library) and A/B comparisons. */
import autocannon from 'autocannon';

/** How hard and how long each measured run is. */
export interface LoadShape {
  connections: number;
  /** Seconds per measured run. */
  duration: number;
  /** How many A-then-B rounds are measured. */
  rounds: number;
  /** Seconds of warm-up before the first run of a pair. */
  warmup: number;
}

/** What one autocannon run saw. */
export interface RunResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Builds each request's path (e.g. a random product id); fixed when omitted. */
export type PathMaker = () => string;

/** One request of a load run: GET `path` unless said otherwise. */
export interface LoadRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a load run sends: a fixed path, a path maker, or a full request maker (writes). */
export type RequestSource = string | PathMaker | (() => LoadRequest);

const requestMaker = (source: RequestSource): (() => LoadRequest) => {
  if (typeof source === 'string') return () => ({ path: source });
  return () => {
    const made = source();
    return typeof made === 'string' ? { path: made } : made;
  };
};

/** One autocannon run against `url`, with optional headers for every request. */
export async function load(
  url: string,
  source: RequestSource,
  shape: LoadShape,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<RunResult> {
  const make = requestMaker(source);
  const result = await autocannon({
    url,
    connections: shape.connections,
    duration: seconds,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const { method = 'GET', path, headers: own, body } = make();
          return {
            ...request,
            method: method as typeof request.method,
            path,
            headers: { ...request.headers, ...own },
            ...(body === undefined ? {} : { body }),
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Where a load run goes and what it sends. */
export interface LoadTarget {
  url: string;
  path: RequestSource;
  headers?: Record<string, string>;
}

/** A measured pair: the app (A) against its baseline (B). */
export interface PairResult {
  app: RunResult[];
  baseline: RunResult[];
  /** The median of the rounds' app req/s ÷ baseline req/s. */
  ratio: number;
  /** Each round's app req/s ÷ baseline req/s. */
  roundRatios: number[];
}

/**
 * Warms both up, then runs short A and B runs in turn, `shape.rounds` times,
 * with the same shape: A B, B A, A B, … (each round's pair back to back, and
 * which side goes first alternates). This machine's speed drifts by a factor
 * of two over periods of several seconds (seen with `--duration 1`, on a
 * process serving a constant load), so each round compares two runs made
 * under nearly the same conditions, and the ratio is the median of the
 * rounds' ratios: a drift between rounds, or within one, does not move it.
 */
export async function comparePair(
  app: LoadTarget,
  baseline: LoadTarget,
  shape: LoadShape,
  /** Runs before every run (e.g. emptying the carts a cart-add run filled). */
  beforeRun: () => Promise<void> = () => Promise.resolve(),
): Promise<PairResult> {
  const run = async (target: LoadTarget, seconds: number) => {
    await beforeRun();
    return load(target.url, target.path, shape, seconds, target.headers);
  };
  await run(app, shape.warmup);
  await run(baseline, shape.warmup);
  const appRuns: RunResult[] = [];
  const baselineRuns: RunResult[] = [];
  const runApp = async () => appRuns.push(await run(app, shape.duration));
  const runBaseline = async () => baselineRuns.push(await run(baseline, shape.duration));
  for (let round = 0; round < shape.rounds; round += 1) {
    if (round % 2 === 0) {
      await runApp();
      await runBaseline();
    } else {
      await runBaseline();
      await runApp();
    }
  }
  const roundRatios = appRuns.map((run, i) => run.requestsPerSecond / baselineRuns[i]!.requestsPerSecond);
  return { app: appRuns, baseline: baselineRuns, ratio: median(roundRatios), roundRatios };
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}

/** The p-th percentile (0–100) of some numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
