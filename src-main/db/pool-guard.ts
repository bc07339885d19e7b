import type { Pool, PoolClient } from 'pg';

/**
 * kysely's ControlledTransaction releases its connection only after ROLLBACK
 * succeeds; on a connection that died mid-transaction (pg_terminate_backend,
 * a crashed server) ROLLBACK fails and the client stays checked out forever.
 * Each such event would cost the pool a slot until it hangs. A client whose
 * connection ends while checked out can never be used again, so it goes back
 * to the pool at once, with an error that removes it; a later release by its
 * holder is then a no-op instead of a "released twice" error.
 */
export function guardPool(pool: Pool): void {
  const checkedOut = new Set<PoolClient>();
  const watched = new WeakSet<PoolClient>();

  const watch = (client: PoolClient) => {
    if (watched.has(client)) return;
    watched.add(client);
    client.once('end', () => {
      if (!checkedOut.has(client)) return;
      checkedOut.delete(client);
      const release = client.release;
      client.release = () => undefined;
      release(new Error('connection lost while checked out'));
    });
  };

  pool.on('acquire', (client) => {
    checkedOut.add(client);
    watch(client);
  });
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('remove', (client) => checkedOut.delete(client));
}
