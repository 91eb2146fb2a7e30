/** Process lifecycle flags shared by the server entry and the readiness check. */
let shuttingDown = false;

/** Marks the process as draining: /ready answers 503 and responses ask clients to close connections. */
export function beginShutdown(): void {
  shuttingDown = true;
}

/** True once graceful shutdown has started. */
export const isShuttingDown = (): boolean => shuttingDown;
