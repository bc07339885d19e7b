/**
 * Installs the process's one SIGINT/SIGTERM handler, so that a stop runs
 * the orderly shutdown (HTTP server, ORM, then the embedded PostgreSQL)
 * before the process exits.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
  }
}
