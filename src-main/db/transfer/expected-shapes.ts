import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { migratedSchemaStatements, type TenantMigrationScript } from '../tenant-migrator.ts';
import { printable } from './printable.ts';
import { columnsOf, shapesOf, type Description, type TableShape } from './describe.ts';

/*
 * What public and each tenant must hold at an archive's migration levels,
 * found by running those migrations in one transaction on the target and
 * rolling it back: public migrated (unless the target already holds it, as
 * when a copy resumes) and one probe tenant schema per level, their tables
 * and columns read from the catalog. Nothing of it remains; the archive's
 * own tables and columns are compared with it before the first write, so an
 * archive missing a table (users), or with one table or column too many, is
 * refused with the target as it was.
 */

/** Tables by name, each with its columns and identity columns sorted. */
type TableSet = Map<string, { columns: string[]; identity: string[] }>;

const tableSet = (tables: Iterable<TableShape>): TableSet =>
  new Map(
    [...tables].map((t) => [
      t.name,
      { columns: [...t.columns].sort(), identity: [...t.identity].sort() },
    ]),
  );

export interface ExpectedShapes {
  public: TableSet;
  /** By tenant migration level. */
  tenants: Map<number, TableSet>;
}

/**
 * Runs the migrations in a transaction on `client` (a connection to the
 * target that holds no transaction) and rolls it back.
 */
export async function expectedShapes(
  client: pg.ClientBase,
  publicScripts: TenantMigrationScript[],
  tenantScripts: Map<number, TenantMigrationScript[]>,
): Promise<ExpectedShapes> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ found: boolean }>(
      `select to_regclass('public.organizations') is not null as found`,
    );
    if (!rows[0]?.found)
      for (const { sql } of publicScripts)
        for (const statement of sql) await client.query(statement);
    // a probe tenant has no organization row: the ledger's key to it is dropped for the trial
    await client.query(`do $$
      declare k record;
      begin
        for k in select conname from pg_constraint
                  where conrelid = to_regclass('public.tenant_migrations') and contype = 'f' loop
          execute format('alter table public.tenant_migrations drop constraint %I', k.conname);
        end loop;
      end $$`);
    const publicShape = shapesOf(await columnsOf(client, `n.nspname = 'public'`, [])).get('public');
    const probe = `fp-probe-${randomBytes(4).toString('hex')}`;
    const tenants = new Map<number, TableSet>();
    for (const [level, scripts] of tenantScripts) {
      const schema = tenantSchemaName(`${probe}-${level}`);
      await client.query(migratedSchemaStatements(schema, scripts).join(';\n'));
      const shape = shapesOf(await columnsOf(client, `n.nspname = $1`, [schema])).get(schema);
      tenants.set(level, tableSet(shape?.values() ?? []));
    }
    return { public: tableSet(publicShape?.values() ?? []), tenants };
  } finally {
    await client.query('rollback').catch(() => undefined);
  }
}

/** How `have` differs from `want`, each difference named (at most a few). */
function differences(where: string, want: TableSet, have: TableSet): string[] {
  const found: string[] = [];
  for (const name of want.keys())
    if (!have.has(name)) found.push(`${where} lacks the table ${printable(name)}`);
  for (const [name, table] of have) {
    const wanted = want.get(name);
    if (!wanted) {
      found.push(`${where} has a table ${printable(name)} its migrations do not create`);
      continue;
    }
    const extra = table.columns.filter((c) => !wanted.columns.includes(c));
    const missing = wanted.columns.filter((c) => !table.columns.includes(c));
    if (extra.length > 0)
      found.push(
        `${where}.${printable(name)} has the column(s) ${extra.map(printable).join(', ')} too many`,
      );
    if (missing.length > 0)
      found.push(`${where}.${printable(name)} lacks the column(s) ${missing.join(', ')}`);
    if (
      extra.length === 0 &&
      missing.length === 0 &&
      table.identity.join() !== wanted.identity.join()
    )
      found.push(`${where}.${printable(name)} numbers other columns than its migrations do`);
  }
  return found;
}

/**
 * Every way a description's tables and columns differ from what the
 * migrations at its levels create; empty when they are equal.
 */
export function shapeDifferences(description: Description, expected: ExpectedShapes): string[] {
  const found = differences('public', expected.public, tableSet(description.publicTables));
  const checked = new Set<string>();
  for (const tenant of description.tenants) {
    const key = `${tenant.shape}:${tenant.level}`;
    if (checked.has(key)) continue;
    checked.add(key);
    const want = expected.tenants.get(tenant.level) ?? new Map();
    const have = tableSet(description.tenantShapes[tenant.shape] ?? []);
    found.push(...differences(tenantSchemaName(tenant.slug), want, have));
  }
  return found;
}
