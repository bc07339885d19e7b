import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { IDENTITY_CHANNEL } from '../change-listener.ts';
import { quoteIdent, quoteLiteral } from '../identifiers.ts';
import { LEDGER_TABLE } from '../tenant-migrator.ts';
import type { Description, TableShape } from './describe.ts';
import type { TransferSource } from './source.ts';
import { MARKER_TABLES } from './marker.ts';
import { fingerprintsOf, qualified, type Fingerprint } from './tables.ts';

const KEYS_TABLE = MARKER_TABLES[2];

/**
 * Users are added and removed with the tables' triggers held (their counters
 * arrive copied), the one that announces identity changes included: the
 * consoles on the target are told here, at commit, instead.
 */
const announceIdentityChange = (client: pg.ClientBase) =>
  client.query(`select pg_notify('${IDENTITY_CHANNEL}', 'transfer')`);

/*
 * `--into-existing`: the source's rows added to a FleetPrompt database that
 * already holds others. Each public table is copied into a temporary table
 * first; a row whose unique key (an id, a slug, an email) the target already
 * has is a clash, and the whole copy is refused before anything is added.
 * Identity columns (audit event ids) are shifted past the target's own.
 * Every added row's primary key is kept in the marker's key table: what the
 * verification compares, and what a rollback deletes.
 */

interface UniqueKey {
  primary: boolean;
  columns: string[];
}

async function uniqueKeysOf(client: pg.ClientBase, table: string): Promise<UniqueKey[]> {
  const { rows } = await client.query<UniqueKey>(
    `select i.indisprimary as primary, array_agg(a.attname::text order by k.ord) as columns
       from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
       cross join lateral unnest(i.indkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where n.nspname = 'public' and c.relname = $1 and i.indisunique
        and i.indexprs is null and i.indpred is null
      group by i.indexrelid, i.indisprimary
      order by i.indisprimary desc`,
    [table],
  );
  return rows;
}

/** Compared with the columns' own equality (citext emails match in any case). */
const rowOf = (alias: string, columns: string[]) =>
  `row(${columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ')})`;

const keyExpression = (alias: string, columns: string[]) =>
  `jsonb_build_array(${columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ')})`;

/** Refuses a target at another migration level, or one that has any of the source's tenants. */
export async function checkAppendable(
  client: pg.ClientBase,
  description: Description,
): Promise<void> {
  const { rows: ledger } = await client.query<{ name: string }>(
    `select name from public.${LEDGER_TABLE} order by id`,
  );
  if (ledger.map((r) => r.name).join() !== description.publicMigrations.join())
    throw new Error(
      'The target is at another FleetPrompt version than the source: open both with the same version first.',
    );
  const { rows: taken } = await client.query<{ nspname: string }>(
    'select nspname from pg_namespace where nspname = any ($1::text[]) order by 1',
    [description.tenants.map((t) => tenantSchemaName(t.slug))],
  );
  if (taken.length > 0)
    throw new Error(
      `The target already has ${taken.length} of the source's tenant schemas (${taken
        .slice(0, 3)
        .map((r) => r.nspname)
        .join(', ')}${taken.length > 3 ? ', …' : ''}); nothing was copied.`,
    );
}

/**
 * Adds the source's public rows in the caller's transaction; throws (and
 * adds nothing) on the first table whose rows clash with the target's.
 */
export async function appendPublic(
  client: pg.ClientBase,
  source: TransferSource,
  tables: TableShape[],
): Promise<number> {
  let added = 0;
  const clashes: string[] = [];
  for (const table of tables) {
    const target = qualified('public', table);
    const staging = quoteIdent(`fp_append_${table.name}`);
    const columns = table.columns.map(quoteIdent).join(', ');
    await client.query(`create temp table ${staging} (like ${target}) on commit drop`);
    const rows = await source.rows('public', table);
    const into = client.query(copyFrom(`copy ${staging} (${columns}) from stdin`));
    await pipeline(rows, into);
    const keys = await uniqueKeysOf(client, table.name);
    for (const key of keys) {
      if (key.columns.some((c) => table.identity.includes(c))) continue;
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from ${staging} s
          where exists (select 1 from ${target} t where ${rowOf('t', key.columns)} = ${rowOf('s', key.columns)})`,
      );
      if ((rows[0]?.n ?? 0) > 0)
        clashes.push(`${rows[0]?.n} in ${table.name} (${key.columns.join(', ')})`);
    }
    if (clashes.length > 0) continue;
    for (const column of table.identity) {
      // past every id the target has handed out, and kept there for its next ones
      await client.query(`lock table ${target} in share row exclusive mode`);
      const c = quoteIdent(column);
      await client.query(
        `update ${staging} set ${c} = ${c} + (select coalesce(max(${c}), 0) from ${target})`,
      );
    }
    await client.query(`alter table ${target} disable trigger user`);
    const inserted = await client.query(
      `insert into ${target} (${columns}) overriding system value select ${columns} from ${staging}`,
    );
    await client.query(`alter table ${target} enable trigger user`);
    for (const column of table.identity)
      await client.query(
        `select setval(pg_get_serial_sequence($1, $2), greatest((select max(${quoteIdent(column)}) from ${target}), 1))`,
        [target, column],
      );
    const primary = keys.find((k) => k.primary);
    if (primary)
      await client.query(
        `insert into public.${KEYS_TABLE} (tbl, key) select $1, ${keyExpression('s', primary.columns)} from ${staging} s`,
        [table.name],
      );
    added += inserted.rowCount ?? 0;
  }
  if (clashes.length > 0)
    throw new Error(
      `The target already holds rows with the same keys as the source's: ${clashes.join('; ')}. Nothing was copied.`,
    );
  await announceIdentityChange(client);
  return added;
}

/** Shapes without their identity columns: the shifted ids are not compared. */
export const withoutIdentity = (tables: TableShape[]): TableShape[] =>
  tables.map((t) => ({
    ...t,
    columns: t.columns.filter((c) => !t.identity.includes(c)),
    identity: [],
  }));

/** Fingerprints of the rows this copy added (by the keys it recorded), identity columns left out. */
export async function appendedFingerprints(
  client: pg.ClientBase,
  tables: TableShape[],
): Promise<Fingerprint[]> {
  const added = new Map<string, string>();
  for (const table of tables) {
    const primary = (await uniqueKeysOf(client, table.name)).find((k) => k.primary);
    added.set(
      table.name,
      primary
        ? `exists (select 1 from public.${KEYS_TABLE} k where k.tbl = ${quoteLiteral(table.name)} and k.key = ${keyExpression('t', primary.columns)})`
        : 'false',
    );
  }
  return fingerprintsOf(
    client,
    'public',
    withoutIdentity(tables),
    (t) => added.get(t.name) ?? 'false',
  );
}

/** Deletes the rows a copy added (children first), for a rollback. */
export async function removeAppended(client: pg.ClientBase, tables: TableShape[]): Promise<void> {
  for (const table of [...tables].reverse()) {
    const primary = (await uniqueKeysOf(client, table.name)).find((k) => k.primary);
    if (!primary) continue;
    await client.query(`alter table ${qualified('public', table)} disable trigger user`);
    await client.query(
      `delete from ${qualified('public', table)} t
        where exists (select 1 from public.${KEYS_TABLE} k where k.tbl = $1 and k.key = ${keyExpression('t', primary.columns)})`,
      [table.name],
    );
    await client.query(`alter table ${qualified('public', table)} enable trigger user`);
  }
  await announceIdentityChange(client);
}
