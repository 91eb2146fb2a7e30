/** The process-wide structured logger (pino, JSON lines). */
import { type DestinationStream, pino } from 'pino';
import { config } from './config.js';

/** Log lines are collected up to this many bytes before they are written (one write for many lines). */
const BUFFER_BYTES = 4096;
/** …and written at least this often, so a quiet server's lines still appear promptly. */
const FLUSH_EVERY_MS = 500;

/** The part of pino's own destination (sonic-boom) that the line collector uses. */
interface Destination {
  write(text: string): boolean;
  flush(callback: (error?: Error) => void): void;
  flushSync(): void;
}

/**
 * Collects whole lines in an array and hands them to the destination `open`
 * creates, joined, once at least `batchBytes` have gathered (or on `flush`;
 * synchronously at exit). The destination (sonic-boom) appends every string
 * it is given to the text it has not written yet and measures that text each
 * time, which copies it over and over while a crowd of requests logs line
 * after line; joined batches are measured once.
 */
export function lineCollector(
  open: () => Destination,
  batchBytes: number,
): DestinationStream & Pick<Destination, 'flush'> {
  let lines: string[] = [];
  let length = 0;
  const handOver = () => {
    if (lines.length === 0) return;
    const text = lines.join('');
    lines = [];
    length = 0;
    destination.write(text);
  };
  // At exit there is no event loop left to write with: what is collected goes out synchronously.
  process.once('exit', () => {
    if (lines.length === 0) return;
    handOver();
    try {
      destination.flushSync();
    } catch {
      // Nothing more can be done for a log line at exit.
    }
  });
  const destination = open();
  return {
    write(line: string) {
      lines.push(line);
      length += line.length;
      if (length >= batchBytes) handOver();
      return true;
    },
    flush(callback: (error?: Error) => void) {
      handOver();
      destination.flush(callback);
    },
  };
}

/**
 * The root logger. Lines are written to stdout asynchronously and in batches
 * (no write per request): at 4 KiB of lines or every 500 ms, whichever comes
 * first. `flushLogs` empties the buffer before the process exits.
 */
export const logger = pino(
  {
    level: config.logLevel,
    base: { service: 'emporium' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      // Bound SQL parameters can hold personal data (and password hashes): keep the SQL, drop the values.
      // (Request lines carry no headers or bodies, so tokens, cookies and passwords never reach a log.)
      paths: ['err.parameters', 'err.parent.parameters', 'err.original.parameters'],
      censor: '[redacted]',
    },
  },
  config.fastPaths['log-batching']
    ? lineCollector(() => pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES }), BUFFER_BYTES)
    : pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES }),
);

setInterval(() => logger.flush(), FLUSH_EVERY_MS).unref();

/** Writes out any buffered log lines (call before exiting). */
export function flushLogs(): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
