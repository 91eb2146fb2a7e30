/** Load generation (autocannon as a library) and A/B comparisons. */
import autocannon from 'autocannon';

/** How hard and how long each measured run is. */
export interface LoadShape {
  connections: number;
  /** Seconds per measured run. */
  duration: number;
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

/** One autocannon run against `url` + path, with optional headers. */
export async function load(
  url: string,
  path: string | PathMaker,
  shape: LoadShape,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<RunResult> {
  const makePath = typeof path === 'string' ? () => path : path;
  const result = await autocannon({
    url,
    connections: shape.connections,
    duration: seconds,
    headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: makePath() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** A measured pair: the app (A) against its baseline (B). */
export interface PairResult {
  app: RunResult[];
  baseline: RunResult[];
  /** Mean app req/s ÷ mean baseline req/s. */
  ratio: number;
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Warms both up, then runs A, B, A, B with the same shape, so machine noise
 * hits both sides alike; the ratio is of the mean requests per second.
 */
export async function comparePair(
  app: { url: string; path: string | PathMaker; headers?: Record<string, string> },
  baseline: { url: string; path: string | PathMaker; headers?: Record<string, string> },
  shape: LoadShape,
): Promise<PairResult> {
  await load(app.url, app.path, shape, shape.warmup, app.headers);
  await load(baseline.url, baseline.path, shape, shape.warmup, baseline.headers);
  const appRuns: RunResult[] = [];
  const baselineRuns: RunResult[] = [];
  for (let round = 0; round < 2; round += 1) {
    appRuns.push(await load(app.url, app.path, shape, shape.duration, app.headers));
    baselineRuns.push(await load(baseline.url, baseline.path, shape, shape.duration, baseline.headers));
  }
  const ratio =
    mean(appRuns.map((run) => run.requestsPerSecond)) / mean(baselineRuns.map((run) => run.requestsPerSecond));
  return { app: appRuns, baseline: baselineRuns, ratio };
}

/** The p-th percentile (0–100) of some numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
