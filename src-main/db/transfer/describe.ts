import type pg from 'pg';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { checkedTenantSchema, quoteIdent } from '../identifiers.ts';
import { LEDGER_TABLE, TENANT_LEDGER_TABLE } from '../tenant-migrator.ts';
import { MARKER_TABLES } from './marker.ts';
import { STRUCTURE_MARKS_TABLE } from '../structure/marks.ts';

/** A table as the copy sees it: its columns in order, and those PostgreSQL numbers itself. */
export interface TableShape {
  name: string;
  columns: string[];
  /** `generated always as identity` columns: copied as they are, their sequence set after. */
  identity: string[];
}

export interface TenantEntry {
  slug: string;
  /** Tenant migrations applied to its schema (public.organizations.tenant_schema_version). */
  level: number;
  /** Index into `Description.tenantShapes`: tenants at one level share their tables' shapes. */
  shape: number;
}

/** Everything a copy needs to know of a FleetPrompt database, read in the copy's snapshot. */
export interface Description {
  /** Public migrations applied, in order (the ledger's names). */
  publicMigrations: string[];
  /** Public tables in an order that satisfies their foreign keys; ledgers excluded. */
  publicTables: TableShape[];
  tenantShapes: TableShape[][];
  tenants: TenantEntry[];
  /** Sequences behind identity columns of public tables, with their current values. */
  sequences: { table: string; column: string; value: string | null }[];
}

/**
 * Every schema of a description with its tables, in the one order copies,
 * archives and verification use: public, then each tenant's.
 */
export function schemasOf(
  description: Description,
): { schema: string; tables: TableShape[]; tenant: TenantEntry | null }[] {
  return [
    { schema: 'public', tables: description.publicTables, tenant: null },
    ...description.tenants.map((tenant) => ({
      schema: tenantSchemaName(tenant.slug),
      tables: description.tenantShapes[tenant.shape] ?? [],
      tenant,
    })),
  ];
}

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  identity: boolean;
}

/**
 * Base tables with their columns (generated columns left out: PostgreSQL
 * computes them again) for the given schemas, the ledgers, the move
 * marker and the drift check's marks (this cluster's transaction ids; the
 * target's event trigger writes its own as the copy makes each schema)
 * excluded.
 */
export async function columnsOf(client: pg.ClientBase, schemaFilter: string, params: unknown[]) {
  const { rows } = await client.query<ColumnRow>(
    `select n.nspname as schema, c.relname as table, a.attname as column,
            a.attidentity = 'a' as identity
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid and c.relkind in ('r', 'p')
       join pg_namespace n on n.oid = c.relnamespace
      where ${schemaFilter} and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        and c.relname <> all ($${params.length + 1}::text[])
      order by n.nspname, c.relname, a.attnum`,
    [...params, [LEDGER_TABLE, TENANT_LEDGER_TABLE, STRUCTURE_MARKS_TABLE, ...MARKER_TABLES]],
  );
  return rows;
}

/** Foreign keys between tables of one schema, as (table, referenced table) pairs. */
export async function foreignKeysOf(client: pg.ClientBase, schema: string) {
  const { rows } = await client.query<{ table: string; references: string }>(
    `select c.relname as table, r.relname as references
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class r on r.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = $1 and r.relnamespace = c.relnamespace`,
    [schema],
  );
  return rows;
}

/** Tables ordered so that each comes after the tables it references (then by name). */
export function inForeignKeyOrder(
  tables: TableShape[],
  keys: { table: string; references: string }[],
): TableShape[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (name: string) => {
    const table = byName.get(name);
    if (placed.has(name) || !table) return;
    if (visiting.has(name)) throw new Error(`Foreign keys form a cycle through ${name}`);
    visiting.add(name);
    for (const key of keys)
      if (key.table === name && key.references !== name) place(key.references);
    visiting.delete(name);
    placed.add(name);
    ordered.push(table);
  };
  for (const name of [...byName.keys()].sort()) place(name);
  return ordered;
}

export function shapesOf(rows: ColumnRow[]): Map<string, Map<string, TableShape>> {
  const schemas = new Map<string, Map<string, TableShape>>();
  for (const row of rows) {
    const tables = schemas.get(row.schema) ?? new Map<string, TableShape>();
    schemas.set(row.schema, tables);
    const table = tables.get(row.table) ?? { name: row.table, columns: [], identity: [] };
    tables.set(row.table, table);
    table.columns.push(row.column);
    if (row.identity) table.identity.push(row.column);
  }
  return schemas;
}

/** Reads a FleetPrompt database's shape; the caller holds the snapshot (one transaction). */
export async function describeDatabase(client: pg.ClientBase): Promise<Description> {
  const { rows: ledger } = await client.query<{ name: string }>(
    `select name from public.${LEDGER_TABLE} order by id`,
  );
  const { rows: organizations } = await client.query<{ slug: string; level: number }>(
    'select slug, tenant_schema_version as level from public.organizations order by slug',
  );
  const publicShapes = shapesOf(await columnsOf(client, `n.nspname = 'public'`, []));
  const publicTables = inForeignKeyOrder(
    [...(publicShapes.get('public')?.values() ?? [])],
    await foreignKeysOf(client, 'public'),
  );

  const tenantColumns = shapesOf(
    await columnsOf(client, `n.nspname = any ($1::text[])`, [
      organizations.map((o) => tenantSchemaName(o.slug)),
    ]),
  );
  const tenantShapes: TableShape[][] = [];
  const shapeIndex = new Map<string, number>();
  const tenants: TenantEntry[] = [];
  for (const { slug, level } of organizations) {
    const schema = checkedTenantSchema(slug);
    const tables = tenantColumns.get(schema);
    if (!tables) throw new Error(`The schema ${schema} of organization "${slug}" is missing`);
    const shape = [...tables.values()];
    const signature = JSON.stringify(shape.map((t) => [t.name, t.columns]).sort());
    let index = shapeIndex.get(signature);
    if (index === undefined) {
      index = tenantShapes.length;
      tenantShapes.push(inForeignKeyOrder(shape, await foreignKeysOf(client, schema)));
      shapeIndex.set(signature, index);
    }
    tenants.push({ slug, level, shape: index });
  }

  const sequences: Description['sequences'] = [];
  for (const table of publicTables) {
    for (const column of table.identity) {
      const { rows } = await client.query<{ value: string | null }>(
        `select s.last_value::text as value from pg_sequences s
          where format('%I.%I', s.schemaname, s.sequencename) = pg_get_serial_sequence($1, $2)`,
        [`public.${quoteIdent(table.name)}`, column],
      );
      sequences.push({ table: table.name, column, value: rows[0]?.value ?? null });
    }
  }
  return {
    publicMigrations: ledger.map((r) => r.name),
    publicTables,
    tenantShapes,
    tenants,
    sequences,
  };
}
