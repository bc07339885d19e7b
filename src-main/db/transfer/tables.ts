import pg from 'pg';
import { quoteIdent } from '../identifiers.ts';
import type { TableShape } from './describe.ts';

/**
 * Fixed session settings for both ends of a copy, so that a row's text (what
 * its fingerprint hashes) is the same on any server whatever its defaults.
 */
const SESSION_OPTIONS =
  '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex';

export async function connectForTransfer(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    options: SESSION_OPTIONS,
    connectionTimeoutMillis: 10_000,
  });
  // a connection lost between two queries (server restarted, backend terminated) is
  // reported by the next query; unheard, the 'error' event would end the whole process
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function qualified(schema: string, table: TableShape): string {
  return `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
}

const columnList = (table: TableShape) => table.columns.map(quoteIdent).join(', ');

export const copyOutSql = (schema: string, table: TableShape) =>
  `copy ${qualified(schema, table)} (${columnList(table)}) to stdout`;

export const copyInSql = (schema: string, table: TableShape) =>
  `copy ${qualified(schema, table)} (${columnList(table)}) from stdin`;

/** A table's row count and an order-independent sum of its rows' hashes. */
export interface Fingerprint {
  rows: number;
  sum: string;
}

/** The fingerprint's two figures, `rows` and `sum`, over the rows of the alias `t` (columns in order). */
export const fingerprintColumns = (columns: string[]) =>
  `count(*)::int as rows,
          coalesce(sum(('x' || substr(md5(row(${columns.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text), 1, 15))::bit(60)::bigint), 0)::text as sum`;

const fingerprintSql = (schema: string, table: TableShape, i: number, only: string) =>
  `select ${i} as i, ${fingerprintColumns(table.columns)}
     from ${qualified(schema, table)} t where ${only}`;

/**
 * One query for a schema's tables: each row's text hashed with md5, its first
 * 60 bits summed as numeric. Equal on both ends means the same rows, in any
 * order, whatever the physical layout. `only` narrows a table to some of its
 * rows (a condition on the alias `t`).
 */
export async function fingerprintsOf(
  client: pg.ClientBase,
  schema: string,
  tables: TableShape[],
  only: (table: TableShape) => string = () => 'true',
): Promise<Fingerprint[]> {
  return fingerprintsOfMany(
    client,
    tables.map((table) => ({ schema, table })),
    only,
  );
}

/** The fingerprints of tables of several schemas, in one query (one round trip). */
export async function fingerprintsOfMany(
  client: pg.ClientBase,
  tables: { schema: string; table: TableShape }[],
  only: (table: TableShape) => string = () => 'true',
): Promise<Fingerprint[]> {
  if (tables.length === 0) return [];
  const parts = tables.map(({ schema, table }, i) => fingerprintSql(schema, table, i, only(table)));
  const { rows } = await client.query<{ i: number; rows: number; sum: string }>(
    `${parts.join(' union all ')} order by i`,
  );
  return rows.map((r) => ({ rows: r.rows, sum: r.sum }));
}
