import { redact } from './log.ts';

/**
 * How long an orderly stop may take before the process ends anyway: a
 * console told to stop must not keep running because one of its parts
 * never finishes closing (a connection that no longer answers).
 */
export const STOP_WITHIN_MS = 15_000;

/**
 * Installs the process's one SIGINT/SIGTERM handler, so that a stop runs
 * the orderly shutdown (HTTP server, ORM, then the embedded PostgreSQL)
 * before the process exits; one that fails, or has not ended within
 * STOP_WITHIN_MS, is said on stderr and the process exits with 1.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      setTimeout(() => {
        console.error(`stop: not finished within ${STOP_WITHIN_MS / 1000} s, exiting anyway`);
        process.exit(1);
      }, STOP_WITHIN_MS).unref();
      stop(signal).catch((error: unknown) => {
        console.error(`stop: ${redact(error instanceof Error ? error.message : String(error))}`);
        process.exit(1);
      });
    });
  }
}
