/** The process-wide structured logger (pino, JSON lines). */
import { pino } from 'pino';
import { config } from './config.js';

/**
 * The root logger. Lines are written to stdout asynchronously (no blocking
 * write per request); `flushLogs` empties the buffer before the process exits.
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
  pino.destination({ dest: 1, sync: false }),
);

/** Writes out any buffered log lines (call before exiting). */
export function flushLogs(): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
