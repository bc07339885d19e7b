import type pg from 'pg';

/*
 * One consistent snapshot read by many short transactions, as `pg_dump -j`
 * does. A transaction keeps a lock on every table and index it touched until
 * it ends, and the server's lock table holds about `max_locks_per_transaction`
 * per connection: one transaction that reads every tenant of a large fleet
 * runs out of it ("out of shared memory"). So one transaction exports its
 * snapshot and stays open, holding almost nothing, and the schemas are read
 * in batches, each batch in its own REPEATABLE READ transaction that imports
 * that snapshot and touches no more relations than the server promises one
 * transaction.
 */

/** The schemas read together, in the order they are asked for. */
export type Batch = string[];

/**
 * Packs schemas, in order, into batches of at most `budget` relations each
 * (tables and indexes: what a read locks); a schema larger than the budget
 * is a batch of its own.
 */
export function packBatches(
  schemas: string[],
  relations: ReadonlyMap<string, number>,
  budget: number,
): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = [];
  let used = 0;
  for (const schema of schemas) {
    const size = relations.get(schema) ?? 1;
    if (current.length > 0 && used + size > budget) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(schema);
    used += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Exports the snapshot of the caller's REPEATABLE READ transaction on
 * `holder`, and reads what batches need: each schema's relation count and
 * the server's lock budget per transaction.
 */
export async function exportSnapshot(
  holder: pg.ClientBase,
  schemas: string[],
): Promise<{ id: string; relations: Map<string, number>; budget: number }> {
  const { rows: exported } = await holder.query<{ id: string; budget: string }>(
    `select pg_export_snapshot() as id, current_setting('max_locks_per_transaction') as budget`,
  );
  const { rows } = await holder.query<{ schema: string; n: number }>(
    `select n.nspname as schema, count(*)::int as n
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1::text[]) and c.relkind in ('r', 'p', 'i', 'm', 'S', 't')
      group by n.nspname`,
    [schemas],
  );
  const id = exported[0]?.id;
  if (!id) throw new Error('The server exported no snapshot');
  return {
    id,
    relations: new Map(rows.map((r) => [r.schema, r.n])),
    budget: Math.max(1, Number(exported[0]?.budget ?? 64)),
  };
}

/**
 * A reader connection that moves from batch to batch as schemas are asked
 * for in order: entering a schema outside the current batch ends that
 * batch's transaction (releasing its locks) and begins the next one in the
 * exported snapshot, in one round trip.
 */
export class SnapshotBatches {
  private readonly batchOf = new Map<string, number>();
  private current = -1;
  private open = false;

  private readonly reader: pg.ClientBase;
  private readonly snapshot: string;
  readonly batches: Batch[];
  /** Why the snapshot's own transaction is gone, if it is: no batch may begin then. */
  private readonly lost: () => Error | null;

  constructor(reader: pg.ClientBase, snapshot: string, batches: Batch[], lost: () => Error | null) {
    this.reader = reader;
    this.snapshot = snapshot;
    this.batches = batches;
    this.lost = lost;
    batches.forEach((batch, i) => {
      for (const schema of batch) this.batchOf.set(schema, i);
    });
  }

  /** The reader, in a transaction of the snapshot that may read `schema`. */
  async enter(schema: string): Promise<pg.ClientBase> {
    const wanted = this.batchOf.get(schema);
    if (wanted === undefined) throw new Error(`${schema} is in no batch of this snapshot`);
    if (wanted !== this.current || !this.open) {
      const begin =
        'begin isolation level repeatable read read only; ' +
        `set transaction snapshot '${this.snapshot.replace(/[^0-9A-Za-z-]/g, '')}'`;
      const lost = this.lost();
      if (lost) throw lost;
      await this.reader.query(this.open ? `commit; ${begin}` : begin);
      this.current = wanted;
      this.open = true;
    }
    return this.reader;
  }

  /** The batch `schema` is read in. */
  batchContaining(schema: string): Batch {
    return this.batches[this.batchOf.get(schema) ?? -1] ?? [];
  }
}
