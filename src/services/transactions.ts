/** Running PostgreSQL transactions that may lose a race. */
import { BaseError } from 'sequelize';
import { logger } from '../logger.js';

/** SQLSTATEs worth retrying: serialization failure, deadlock detected, lock not available. */
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

const sqlState = (error: unknown): string | undefined =>
  error instanceof BaseError ? (error as { parent?: { code?: string } }).parent?.code : undefined;

/**
 * Runs `work` (which opens its own transaction) and runs it again, after a
 * short random pause, when PostgreSQL aborted it for a deadlock or a
 * serialization failure: the caller never sees those as errors.
 */
export async function withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const code = sqlState(error);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      logger.warn({ code, attempt }, 'transaction conflict; retrying');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
