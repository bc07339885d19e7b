import type { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { describeDatabase, type Description, type TableShape } from './describe.ts';
import { maskUrl } from '../connection.ts';
import { readMarker, UnfinishedTransferError } from './marker.ts';
import { connectForTransfer, copyOutSql, fingerprintsOf, type Fingerprint } from './tables.ts';

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
 * A live database read in one REPEATABLE READ, READ ONLY transaction: every
 * table from the same snapshot, and nothing in the source ever written.
 * `expected` reads on a second connection, so that verification compares
 * the target with the source as it is then: a write that landed in the
 * source during the copy makes the verification fail instead of being lost.
 */
export async function openDatabaseSource(url: string): Promise<TransferSource> {
  const reader = await connectForTransfer(url);
  let checker: pg.Client | null = null;
  try {
    await reader.query('begin isolation level repeatable read read only');
    const unfinished = await readMarker(reader);
    if (unfinished) throw new UnfinishedTransferError(unfinished.marker.source);
    const { rows } = await reader.query<{ found: boolean }>(
      `select to_regclass('public.organizations') is not null as found`,
    );
    if (!rows[0]?.found) throw new Error(`${maskUrl(url)} holds no FleetPrompt data to copy.`);
    const description = await describeDatabase(reader);
    return {
      label: maskUrl(url),
      description,
      rows: async (schema, table) => reader.query(copyTo(copyOutSql(schema, table))),
      skip: async () => undefined,
      snapshot: (schema, tables) => fingerprintsOf(reader, schema, tables),
      expected: async (schema, tables) => {
        checker ??= await connectForTransfer(url);
        return fingerprintsOf(checker, schema, tables);
      },
      close: async () => {
        await reader.query('rollback').catch(() => undefined);
        await reader.end().catch(() => undefined);
        await checker?.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await reader.end().catch(() => undefined);
    throw error;
  }
}
