import type { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { describeDatabase, schemasOf, type Description, type TableShape } from './describe.ts';
import { maskUrl } from '../connection.ts';
import { readMarker, UnfinishedTransferError } from './marker.ts';
import { exportSnapshot, packBatches, SnapshotBatches } from './snapshot-batches.ts';
import {
  connectForTransfer,
  copyOutSql,
  fingerprintsOf,
  fingerprintsOfMany,
  type Fingerprint,
} from './tables.ts';

/**
 * Where a copy reads from: a live database (a move, a backup) or an archive
 * (a restore). Tables are asked for in one order — public in foreign-key
 * order, then each tenant's — which is also the archive's order.
 */
export interface TransferSource {
  /** Names the source in markers and messages; never holds a password. */
  label: string;
  description: Description;
  /** One table's rows as COPY text. */
  rows(schema: string, table: TableShape): Promise<Readable>;
  /** Passes over a table an earlier, resumed run already copied. */
  skip(schema: string, table: TableShape): Promise<void>;
  /** The tables' fingerprints in the snapshot the rows come from (what an archive records). */
  snapshot(schema: string, tables: TableShape[]): Promise<Fingerprint[]>;
  /** What the target must hold for these tables once the copy is done. */
  expected(schema: string, tables: TableShape[]): Promise<Fingerprint[]>;
  close(): Promise<void>;
}

/**
 * A live database read from one snapshot, and nothing in it ever written.
 * One REPEATABLE READ, READ ONLY transaction describes the database and
 * exports its snapshot; the rows are read in batches of schemas, each batch
 * in a short transaction of that same snapshot (snapshot-batches.ts), so no
 * transaction locks more relations than the server's lock table allows one,
 * however many tenants there are. `expected` reads on another connection,
 * so that verification compares the target with the source as it is then:
 * a write that landed in the source during the copy makes the verification
 * fail instead of being lost.
 */
export async function openDatabaseSource(url: string): Promise<TransferSource> {
  const holder = await connectForTransfer(url);
  const opened: pg.Client[] = [holder];
  try {
    await holder.query('begin isolation level repeatable read read only');
    const unfinished = await readMarker(holder);
    if (unfinished) throw new UnfinishedTransferError(unfinished.marker.source);
    const { rows } = await holder.query<{ found: boolean }>(
      `select to_regclass('public.organizations') is not null as found`,
    );
    if (!rows[0]?.found) throw new Error(`${maskUrl(url)} holds no FleetPrompt data to copy.`);
    const description = await describeDatabase(holder);
    const schemas = schemasOf(description);
    const snapshot = await exportSnapshot(
      holder,
      schemas.map((s) => s.schema),
    );
    // the snapshot lives as long as the holder's transaction: a batch begun after it was lost fails
    let holderLost: Error | null = null;
    holder.on('error', (error) => (holderLost ??= error));
    holder.on('end', () => (holderLost ??= new Error('Connection terminated unexpectedly')));
    const reader = await connectForTransfer(url);
    opened.push(reader);
    const batches = new SnapshotBatches(
      reader,
      snapshot.id,
      packBatches(
        schemas.map((s) => s.schema),
        snapshot.relations,
        snapshot.budget,
      ),
      () => holderLost,
    );
    const tablesOf = new Map(schemas.map((s) => [s.schema, s.tables]));
    // a batch's fingerprints in one query, asked for once its first schema is written
    let fingerprinted: { batch: string[]; bySchema: Map<string, Fingerprint[]> } | null = null;
    const snapshotFingerprints = async (schema: string, tables: TableShape[]) => {
      const client = await batches.enter(schema);
      const batch = batches.batchContaining(schema);
      if (fingerprinted?.batch !== batch) {
        const wanted = batch.flatMap((s) =>
          (s === schema ? tables : (tablesOf.get(s) ?? [])).map((table) => ({ schema: s, table })),
        );
        const all = await fingerprintsOfMany(client, wanted);
        const bySchema = new Map<string, Fingerprint[]>();
        wanted.forEach(({ schema: s }, i) => {
          const list = bySchema.get(s) ?? [];
          list.push(all[i] ?? { rows: -1, sum: 'absent' });
          bySchema.set(s, list);
        });
        fingerprinted = { batch, bySchema };
      }
      return fingerprinted.bySchema.get(schema) ?? [];
    };
    let checker: pg.Client | null = null;
    return {
      label: maskUrl(url),
      description,
      rows: async (schema, table) =>
        (await batches.enter(schema)).query(copyTo(copyOutSql(schema, table))),
      skip: async () => undefined,
      snapshot: snapshotFingerprints,
      expected: async (schema, tables) => {
        checker ??= await connectForTransfer(url);
        return fingerprintsOf(checker, schema, tables);
      },
      close: async () => {
        holderLost ??= new Error('The source is closed');
        // ending a connection ends its transaction; a rollback would wait forever behind a
        // COPY that a failed target left unread
        for (const client of [...opened, checker]) await client?.end().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const client of opened) await client.end().catch(() => undefined);
    throw error;
  }
}
