/** The process-wide structured logger (pino, JSON lines). */
import { pino } from 'pino';
import { config } from './config.js';

/** Root logger; request logs are its children, carrying the request id. */
export const logger = pino({
  level: config.logLevel,
  base: { service: 'emporium' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: {
    // Bound SQL parameters can hold personal data (and password hashes): keep the SQL, drop the values.
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'res.headers["set-cookie"]',
      '*.password',
      'err.parameters',
      'err.parent.parameters',
      'err.original.parameters',
    ],
    censor: '[redacted]',
  },
});
