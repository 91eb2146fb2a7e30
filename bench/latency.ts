/** Timing requests one at a time, as one shopper or staff member makes them: p50 and p95 of many distinct keys. */
import { percentile } from './load.js';
import type { ReadKind } from './workload.js';

/** What one read kind came to. */
export interface LatencyResult {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Answers that were not 2xx (a 404 of an archived product counts as an answer, not an error). */
  non2xx: number;
  /** Answers of 5xx or failed connections. */
  errors: number;
  count: number;
}

/**
 * Sends `count` requests of `kind` one after the other (after `warm` unmeasured ones, which
 * bring the plans and the touched pages into memory as a running shop has them) and times
 * each to its last byte.
 */
export async function timeReads(
  baseUrl: string,
  kind: ReadKind,
  { count, warm, headers = {} }: { count: number; warm: number; headers?: Record<string, string> },
): Promise<LatencyResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  for (let i = 0; i < warm + count; i += 1) {
    const started = performance.now();
    const status = await fetch(`${baseUrl}${kind.path()}`, { headers }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      () => 0,
    );
    const ms = performance.now() - started;
    if (i < warm) continue;
    latencies.push(ms);
    if (status < 200 || status >= 300) non2xx += 1;
    if (status === 0 || status >= 500) errors += 1;
  }
  return {
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    non2xx,
    errors,
    count,
  };
}
