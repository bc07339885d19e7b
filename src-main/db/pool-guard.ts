import type { Pool, PoolClient } from 'pg';

/** pg's own flags for a client whose connection is gone (not part of its typed API). */
interface ClientState {
  _ending?: boolean;
  _ended?: boolean;
  _queryable?: boolean;
}

const isDead = (client: PoolClient) => {
  const state = client as unknown as ClientState;
  return state._ended === true || state._ending === true || state._queryable === false;
};

/**
 * kysely's ControlledTransaction releases its connection only after ROLLBACK
 * succeeds; on a connection that died mid-transaction (pg_terminate_backend,
 * a crashed server) ROLLBACK fails and the client stays checked out forever.
 * Each such event would cost the pool a slot until it hangs. A checked-out
 * client whose connection is gone can never be used again, so it goes back
 * to the pool with an error, which removes it; a later release by its holder
 * is then a no-op instead of a "released twice" error. Connection events
 * catch most of these at once; a sweep catches the rest.
 */
export function guardPool(pool: Pool, sweepMs = 250): void {
  const checkedOut = new Set<PoolClient>();
  const watched = new WeakSet<PoolClient>();

  const reclaim = (client: PoolClient) => {
    if (!checkedOut.has(client)) return;
    checkedOut.delete(client);
    const release = client.release;
    client.release = () => undefined;
    release(new Error('connection lost while checked out'));
  };
  const watch = (client: PoolClient) => {
    if (watched.has(client)) return;
    watched.add(client);
    // a dropped connection arrives as an 'error' event (query errors go to
    // their queries); without a listener pg would throw it from its socket handler
    client.on('error', () => reclaim(client));
    client.once('end', () => reclaim(client));
  };

  pool.on('acquire', (client) => {
    checkedOut.add(client);
    watch(client);
  });
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('remove', (client) => checkedOut.delete(client));

  const sweep = setInterval(() => {
    if (pool.ending) {
      clearInterval(sweep);
      return;
    }
    for (const client of checkedOut) if (isDead(client)) reclaim(client);
  }, sweepMs);
  sweep.unref();
}
