/**
 * What a drill saw and whether its promises held: status counts and
 * latencies per kind of request and phase, checks that print ✓/✗ as they
 * are made, and the PASS/FAIL verdict.
 */
import type { Outcome } from './http.js';

/** A recorded request: which kind of traffic it was, and its outcome. */
export interface Sample {
  kind: string;
  outcome: Outcome;
}

/** Collects samples from load workers. */
export class Recorder {
  readonly samples: Sample[] = [];

  /** Records an outcome under `kind` and returns it. */
  add(kind: string, outcome: Outcome): Outcome {
    this.samples.push({ kind, outcome });
    return outcome;
  }

  /** Outcomes of `kind` whose request started in [from, to). */
  started(kind: string | undefined, from: number, to: number): Outcome[] {
    return this.samples
      .filter((s) => (kind === undefined || s.kind === kind) && s.outcome.start >= from && s.outcome.start < to)
      .map((s) => s.outcome);
  }

  /** Outcomes of `kind` that were in flight at `instant` (started before, ended after). */
  inFlightAt(kind: string | undefined, instant: number): Outcome[] {
    return this.samples
      .filter((s) => (kind === undefined || s.kind === kind) && s.outcome.start < instant && s.outcome.end > instant)
      .map((s) => s.outcome);
  }
}

/** The label an outcome is counted under: its status (marking problem+json 5xx) or its error. */
export function label(outcome: Outcome): string {
  if (outcome.error) return outcome.error;
  const problem = String(outcome.headers['content-type']).startsWith('application/problem+json');
  return outcome.status >= 500 ? `${outcome.status}${problem ? ' problem' : ' NOT-problem'}` : String(outcome.status);
}

/** The q-quantile of latencies (ms). */
export function quantile(outcomes: Outcome[], q: number): number {
  if (outcomes.length === 0) return 0;
  const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Largest latency (ms). */
export const maxMs = (outcomes: Outcome[]): number => outcomes.reduce((max, o) => Math.max(max, o.ms), 0);

/** "812 × 200, 3 × 503 problem" */
export function counts(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return 'none';
  const tally = new Map<string, number>();
  for (const outcome of outcomes) tally.set(label(outcome), (tally.get(label(outcome)) ?? 0) + 1);
  return [...tally.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${n} × ${name}`)
    .join(', ');
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;

/** One table row: "catalog   outage     812 × 200   p99 12 ms  max 40 ms". */
export function row(kind: string, phase: string, outcomes: Outcome[]): string {
  const latency = outcomes.length > 0 ? `  p99 ${ms(quantile(outcomes, 0.99))}  max ${ms(maxMs(outcomes))}` : '';
  return `${kind.padEnd(10)} ${phase.padEnd(10)} ${counts(outcomes)}${latency}`;
}

/** The moments that split an outage drill's load into phases, and the names of the middle two. */
export interface Phases {
  started: number;
  /** The outage begins (kill, stop); requests in flight then are reported as `atCut`. */
  cut: number;
  /** The dependency is back; requests started from `cut` to here form the `gap` phase. */
  back: number;
  /** Everything answers normally again. */
  recovered: number;
  atCut: string;
  gap: string;
}

/** One row per kind and phase: before, at the cut, during the gap, recovery, after. */
export function phaseRows(recorder: Recorder, kinds: string[], p: Phases): string[] {
  return kinds.flatMap((kind) => [
    row(
      kind,
      'before',
      recorder.started(kind, p.started, p.cut).filter((o) => o.end <= p.cut),
    ),
    row(kind, p.atCut, recorder.inFlightAt(kind, p.cut)),
    row(kind, p.gap, recorder.started(kind, p.cut, p.back)),
    row(kind, 'recovery', recorder.started(kind, p.back, p.recovered)),
    row(kind, 'after', recorder.started(kind, p.recovered, Infinity)),
  ]);
}

/** The printed account of one drill. */
export class Report {
  readonly failures: string[] = [];

  constructor(
    readonly name: string,
    title: string,
  ) {
    console.log(`\n== ${name}: ${title} ==`);
  }

  /** Prints an observation. */
  info(line: string): void {
    console.log(`  ${line}`);
  }

  /** Prints a checked promise as ✓ or ✗; a ✗ fails the drill. Returns `ok`. */
  check(ok: boolean, promise: string, evidence = ''): boolean {
    console.log(`  ${ok ? '✓' : '✗'} ${promise}${evidence ? ` — ${evidence}` : ''}`);
    if (!ok) this.failures.push(`${promise}${evidence ? ` — ${evidence}` : ''}`);
    return ok;
  }

  /** Records a failure that stopped the drill early. */
  abort(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`  ✗ drill could not complete: ${message}`);
    this.failures.push(`drill could not complete: ${message}`);
  }

  /** True when every check held. */
  get passed(): boolean {
    return this.failures.length === 0;
  }

  /** Prints PASS or FAIL. */
  verdict(): void {
    console.log(`  ${this.passed ? 'PASS' : `FAIL (${this.failures.length} broken)`}: ${this.name}`);
  }
}
