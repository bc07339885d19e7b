import pg from 'pg';
import { maskUrlsIn } from '../connection-string.ts';
import { probeServer } from '../connection.ts';
import { printable } from './printable.ts';

/*
 * A copy into a database (a move or a restore) first leaves a marker there,
 * and removes it in the transaction that ends the copy after its
 * verification. A database with a marker is an unfinished copy: the console
 * refuses to open it, `--resume` continues it (each tenant copied in its own
 * transaction is recorded as done in that transaction), `--rollback`
 * removes what the copy created. So a half-copied database never looks
 * complete.
 */

export const MARKER_TABLES = [
  'fleetprompt_transfer',
  'fleetprompt_transfer_done',
  'fleetprompt_transfer_keys',
] as const;

export interface Marker {
  /**
   * What is being copied, e.g. the source URL masked, or the archive's name;
   * masked again when written and when read (a marker left by an older
   * version may hold a password).
   */
  source: string;
  startedAt: string;
  /** Every tenant of the source: what a rollback drops. */
  slugs: string[];
  /** What public held before ("table x", "function f", "extension e"): a rollback leaves it. */
  objectsBefore: string[];
  /** Added to a database that already held FleetPrompt data (`--into-existing`). */
  appended: boolean;
}

export async function readMarker(
  client: pg.ClientBase,
): Promise<{ marker: Marker; done: Set<string> } | null> {
  const { rows } = await client.query<{ exists: boolean }>(
    `select to_regclass('public.fleetprompt_transfer') is not null as exists`,
  );
  if (!rows[0]?.exists) return null;
  const marker = await client.query<{ marker: Marker }>(
    'select marker from public.fleetprompt_transfer',
  );
  const done = await client.query<{ step: string }>(
    'select step from public.fleetprompt_transfer_done',
  );
  const found = marker.rows[0]?.marker;
  if (!found) throw new Error('The database holds an empty transfer marker');
  return {
    marker: { ...found, source: printable(maskUrlsIn(found.source)) },
    done: new Set(done.rows.map((r) => r.step)),
  };
}

/** Whether the database at `url` holds an unfinished copy; false when it cannot be reached. */
export function holdsUnfinishedCopy(url: string): Promise<boolean> {
  return probeServer(url, 5_000).then(
    (server) => server.unfinishedTransfer,
    () => false,
  );
}

export async function writeMarker(client: pg.ClientBase, marker: Marker): Promise<void> {
  await client.query('begin');
  try {
    await client.query('create table public.fleetprompt_transfer (marker jsonb not null)');
    await client.query('create table public.fleetprompt_transfer_done (step text primary key)');
    await client.query(
      'create table public.fleetprompt_transfer_keys (tbl text not null, key jsonb not null, primary key (tbl, key))',
    );
    await client.query('insert into public.fleetprompt_transfer (marker) values ($1)', [
      { ...marker, source: maskUrlsIn(marker.source) },
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Records a step as done; run inside the step's own transaction. */
export async function markDone(client: pg.ClientBase, step: string): Promise<void> {
  await client.query('insert into public.fleetprompt_transfer_done (step) values ($1)', [step]);
}

export async function dropMarker(client: pg.ClientBase): Promise<void> {
  await client.query(
    'drop table if exists public.fleetprompt_transfer, public.fleetprompt_transfer_done, public.fleetprompt_transfer_keys',
  );
}

/** The error the console and the tools give for a database with an unfinished copy. */
export class UnfinishedTransferError extends Error {
  constructor(source: string) {
    super(
      `This database holds an unfinished copy from ${source}. Continue it with ` +
        '`npm run db:move -- --to <this database> --resume` (or db:restore … --resume), ' +
        'or remove it with --rollback.',
    );
    this.name = 'UnfinishedTransferError';
  }
}

/** Throws UnfinishedTransferError, naming the copy's source, when the database holds a marker. */
export async function refuseUnfinishedTransfer(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await readMarker(client);
    if (found) throw new UnfinishedTransferError(found.marker.source);
  } finally {
    await client.end().catch(() => undefined);
  }
}
