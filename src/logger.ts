/** The process-wide structured logger (pino, JSON lines). */
import { pino } from 'pino';
import { config } from './config.js';

/** pino's destination writes once this many bytes of lines are buffered (one write for many lines) … */
const BUFFER_BYTES = 4096;
/** … and at least this often, so a quiet server's lines still appear promptly. */
const FLUSH_EVERY_MS = 500;

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
  pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES }),
);

setInterval(() => logger.flush(), FLUSH_EVERY_MS).unref();

/** Writes out any buffered log lines (call before exiting). */
export function flushLogs(): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
