import type { MigrationsOptions } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { checkedTenantSchema, quoteIdent, quoteLiteral } from './identifiers.ts';

export type TenantMigrationList = NonNullable<MigrationsOptions['migrationsList']>;
type Migration = InstanceType<Exclude<TenantMigrationList[number], { class: unknown }>>;

export const TENANT_MIGRATION_COUNT = TENANT_MIGRATIONS.length;
export const TENANT_MIGRATION_NAMES: readonly string[] = TENANT_MIGRATIONS.map((m) => m.name);

/** A tenant migration as the SQL it runs and the name it leaves in the ledger. */
export interface TenantMigrationScript {
  name: string;
  sql: string[];
}

/**
 * The ledger exactly as MikroORM's migrator creates it, so that MikroORM's
 * own tooling reads a tenant's ledger as its own.
 */
export const LEDGER_TABLE = 'mikro_orm_migrations';
/**
 * Where every tenant's ledger rows are kept since tenant migration 5, each
 * tenant's LEDGER_TABLE then being the view of its own: the fan-out writes
 * here directly, a table its connections open once rather than once per
 * tenant.
 */
export const TENANT_LEDGER_TABLE = 'tenant_migrations';
const LEDGER_DDL =
  `create table ${LEDGER_TABLE} (id serial primary key, name varchar(255) not null, ` +
  'executed_at timestamptz(6) not null default current_timestamp(6))';

/** A migration's name as MikroORM's migrator records it. */
function ledgerName(migration: Migration, explicit?: string): string {
  return (explicit ?? migration.name ?? migration.constructor.name).replace(/\.[jt]s$/, '');
}

type Direction = 'up' | 'down';

async function scriptOf(
  em: EntityManager,
  entry: TenantMigrationList[number],
  direction: Direction,
): Promise<TenantMigrationScript> {
  const [MigrationClass, explicitName] =
    typeof entry === 'function' ? [entry, undefined] : [entry.class, entry.name];
  const migration = new MigrationClass(em.getDriver(), em.config);
  const name = ledgerName(migration, explicitName);
  // up() and down() only collect SQL here, outside any tenant's transaction and
  // schema, so a query either ran itself would land in the wrong place
  const refuse = () => {
    throw new Error(`Tenant migration ${name} must add its SQL with addSql, not run queries`);
  };
  Object.assign(migration, { execute: refuse, getEntityManager: refuse });
  try {
    await migration[direction]();
  } catch (error) {
    if (direction === 'up') throw error;
    throw new Error(`Tenant migration ${name} cannot be rolled back: it has no down()`, {
      cause: error,
    });
  }
  const queries: unknown[] = migration.getQueries?.() ?? [];
  const sql = queries.map((query) => {
    if (typeof query !== 'string') throw new Error(`Tenant migration ${name} must add plain SQL`);
    return query;
  });
  return { name, sql };
}

/** The SQL of each tenant migration, in order; computed once for any number of schemas. */
export function tenantMigrationScripts(
  em: EntityManager,
  migrations: TenantMigrationList = TENANT_MIGRATIONS,
): Promise<TenantMigrationScript[]> {
  return Promise.all(migrations.map((entry) => scriptOf(em, entry, 'up')));
}

/** The SQL that undoes each tenant migration (its down()), in the migrations' order. */
export function tenantRollbackScripts(
  em: EntityManager,
  migrations: TenantMigrationList = TENANT_MIGRATIONS,
): Promise<TenantMigrationScript[]> {
  return Promise.all(migrations.map((entry) => scriptOf(em, entry, 'down')));
}

export function requireTransaction(em: EntityManager): void {
  if (!em.getTransactionContext())
    throw new Error('Tenant migrations must run inside a transaction');
}

/**
 * Statements run with `schema` as search_path: migrations are written against
 * the tenant's own tables. A failure aborts the caller's transaction, which
 * puts the search_path back as well.
 */
function inSchema(schema: string, statements: string[]): string[] {
  return [`set search_path to ${quoteIdent(schema)}`, ...statements, 'reset search_path'];
}

/** Each migration's SQL followed by its ledger entry. */
function recorded(scripts: TenantMigrationScript[]): string[] {
  return scripts.flatMap(({ name, sql }) => [
    ...sql,
    `insert into ${LEDGER_TABLE} (name) values (${quoteLiteral(name)})`,
  ]);
}

/** The statements that create a tenant schema with its ledger and the given migrations. */
export function migratedSchemaStatements(
  schema: string,
  scripts: TenantMigrationScript[],
): string[] {
  return [
    `create schema ${quoteIdent(schema)}`,
    ...inSchema(schema, [LEDGER_DDL, ...recorded(scripts)]),
  ];
}

/** Tenant migration 4: a unique index on the tenant's own ledger table. */
const LEDGER_NAMES_UNIQUE = 'Migration20261130000104_ledger_names_unique';
/** Tenant migration 5: the ledger's rows moved to public, its table replaced by a view of them. */
export const LEDGER_IN_PUBLIC = 'Migration20261130000105_ledger_in_public';

/**
 * The tenant's ledger as tenant migration 5 defines it, the view `view` (a
 * name, qualified or not) of the tenant's rows in public, naming its slug as
 * a constant.
 */
export function ledgerViewSql(view: string, slug: string): string {
  return `create or replace view ${view} as
         select id, name, executed_at, tenant_slug from public.${TENANT_LEDGER_TABLE}
          where tenant_slug = ${quoteLiteral(slug)}
         with cascaded check option;
       alter view ${view} alter column tenant_slug set default ${quoteLiteral(slug)}`;
}

/**
 * The statements that create a new tenant schema already at the level
 * `scripts` reach: the same relations, columns, indexes, constraints and
 * ledger rows as migratedSchemaStatements leaves (test/integration/
 * fresh-schema.test.ts compares the two at every level), without the work
 * undone in between. From tenant migration 5 on, the tenant's ledger is a
 * view of public rows, so the ledger table that migrations 1 to 4 record
 * into is never made: made, indexed twice and dropped within the batch, it
 * was a third of a new schema's cost (on PostgreSQL 15 and 16 every btree
 * built fsyncs its file). The view is made where migration 5 makes it, and
 * each migration's ledger row goes straight to public, in the order
 * migratedSchemaStatements records them. Below migration 5 the ledger table
 * is part of the structure, and the schema is migrated step by step.
 */
export function freshSchemaStatements(slug: string, scripts: TenantMigrationScript[]): string[] {
  const schema = checkedTenantSchema(slug);
  const moved = scripts.findIndex(({ name }) => name === LEDGER_IN_PUBLIC);
  if (moved < 0) return migratedSchemaStatements(schema, scripts);
  const record = (names: string[]) =>
    `insert into public.${TENANT_LEDGER_TABLE} (tenant_slug, name) values ` +
    names.map((name) => `(${quoteLiteral(slug)}, ${quoteLiteral(name)})`).join(', ');
  return [
    `create schema ${quoteIdent(schema)}`,
    ...inSchema(
      schema,
      scripts.flatMap(({ name, sql }, i) => {
        if (i < moved) return name === LEDGER_NAMES_UNIQUE ? [] : sql;
        if (i > moved) return [...sql, record([name])];
        return [
          ledgerViewSql(LEDGER_TABLE, slug),
          record(scripts.slice(0, moved + 1).map((script) => script.name)),
        ];
      }),
    ),
  ];
}

/**
 * Creates a new tenant schema with every migration applied
 * (freshSchemaStatements), as one statement batch in the caller's
 * transaction: a single round trip where MikroORM's migrator made 24 for
 * today's two migrations (one per statement, plus ledger lookups and a
 * savepoint and search_path pair per migration).
 */
export async function createMigratedSchema(
  em: EntityManager,
  slug: string,
  scripts: TenantMigrationScript[],
): Promise<void> {
  requireTransaction(em);
  await em.execute(freshSchemaStatements(slug, scripts).join(';\n'));
}

const BLOCK_QUOTE = '$fleetprompt_block$';
const SQL_QUOTE = '$fleetprompt_sql$';

interface BlockShape {
  /** Variables besides `tenant` (a record with at least the tenant's `slug` and `schema`). */
  declare: string;
  /** The loop header that yields each tenant. */
  loop: string;
  /** Statements run on entering each tenant, before its migrations. */
  enter: string[];
  /** The condition under which a migration (its name as a literal, its 1-based position) runs. */
  pending: (name: string, position: number) => string;
  /** How many leading migrations every tenant visited already has: left out of the block. */
  first?: number;
}

/**
 * A DO block that visits each tenant in turn and, with that tenant as
 * search_path (local to the transaction: the migrations are written against
 * the tenant's own tables), runs each pending migration, then records them
 * all in the tenants' ledgers: a batch of tenants is one round trip and one
 * compiled block. The rows go to the public ledger in one insert after the
 * last tenant, with the search path back: an insert per tenant was planned
 * again, its foreign key check too, each time the search path changed. A
 * tenant whose LEDGER_TABLE was still a table (below tenant migration 5)
 * has had that table's rows moved there by then, so its ledger keeps the
 * order its migrations were applied in.
 */
function migrationBlock(shape: BlockShape, scripts: TenantMigrationScript[]): string {
  for (const { name, sql } of scripts)
    if (sql.some((s) => s.includes(BLOCK_QUOTE) || s.includes(SQL_QUOTE)))
      throw new Error(`Tenant migration ${name} may not contain ${BLOCK_QUOTE} or ${SQL_QUOTE}`);
  return [
    `do ${BLOCK_QUOTE} declare tenant record; ${shape.declare} saved text := current_setting('search_path');`,
    `ledger_slugs text[] := '{}'; ledger_names text[] := '{}'; begin`,
    `${shape.loop} loop`,
    `perform set_config('search_path', quote_ident(tenant.schema), true);`,
    ...shape.enter,
    ...scripts.flatMap(({ name, sql }, index) =>
      index < (shape.first ?? 0)
        ? []
        : [
            `if ${shape.pending(quoteLiteral(name), index + 1)} then`,
            ...sql.map((s) => `execute ${SQL_QUOTE}${s}${SQL_QUOTE};`),
            `ledger_slugs := ledger_slugs || tenant.slug; ledger_names := ledger_names || ${quoteLiteral(name)}::text;`,
            'end if;',
          ],
    ),
    'end loop;',
    `perform set_config('search_path', saved, true);`,
    `insert into public.${TENANT_LEDGER_TABLE} (tenant_slug, name) select r.slug, r.name`,
    '  from unnest(ledger_slugs, ledger_names) with ordinality as r(slug, name, position) order by r.position;',
    `end ${BLOCK_QUOTE}`,
  ].join('\n');
}

const textArray = (values: string[]) => `array[${values.map(quoteLiteral).join(', ')}]::text[]`;

/** The organizations named by `slugs` as rows (slug, schema); refuses anything not a slug. */
function tenantRows(slugs: string[]): string {
  const schemas = slugs.map(checkedTenantSchema);
  return `unnest(${textArray(slugs)}, ${textArray(schemas)}) as t(slug, schema)`;
}

/**
 * One statement that brings each tenant from the level its organization row
 * records to the last of `scripts`, reading no ledger: the level is written
 * in the same transaction as every ledger row, and the caller holds the
 * rows' locks. Reading each tenant's ledger (planning a query on a relation
 * the connection had not opened yet) was half of a fan-out's time at
 * 10,000 tenants. Only the migrations after `from` (the lowest level the
 * batch was seen at) are in the block, so it does not grow with every
 * release; a tenant found below it now is refused, as is a ledger ahead of
 * its level (MikroORM's migrator run on the schema by hand: the ledger
 * refuses a tenant's migration recorded twice). Either rolls the batch
 * back, and the caller migrates its tenants alone by guardedMigrationBlock.
 */
export function levelMigrationBlock(
  slugs: string[],
  scripts: TenantMigrationScript[],
  from: number,
): string {
  return migrationBlock(
    {
      declare: '',
      loop:
        'for tenant in select o.tenant_schema_version as level, t.slug, t.schema from public.organizations o ' +
        `join ${tenantRows(slugs)} on t.slug = o.slug order by o.slug`,
      enter: [
        `if tenant.level < ${from} then raise exception 'tenant % is below level ${from}', tenant.schema; end if;`,
      ],
      pending: (_name, position) => `tenant.level < ${position}`,
      first: from,
    },
    scripts,
  );
}

/**
 * One statement that, in each tenant, applies every migration its ledger
 * does not list yet: the ledger is the truth, read once per tenant
 * into an array that each migration is checked against (a dynamic statement
 * is parsed and planned on every run, and one per migration per tenant grew
 * with every release).
 */
export function guardedMigrationBlock(slugs: string[], scripts: TenantMigrationScript[]): string {
  return migrationBlock(
    {
      declare: 'applied text[];',
      loop: `for tenant in select t.slug, t.schema from ${tenantRows(slugs)}`,
      enter: [
        `execute format('select array(select name::text from %I.${LEDGER_TABLE})', tenant.schema) into applied;`,
      ],
      pending: (name) => `not (${name} = any(applied))`,
    },
    scripts,
  );
}

/**
 * One statement that takes each tenant back from the level its organization
 * row records to `to`, the last migration first, each undone by its down()
 * with the tenant as search_path. Before a migration is undone its ledger
 * row is deleted through the tenant's LEDGER_TABLE (the view of its rows in
 * public from level 5, its own table below): a row that is not there means
 * the ledger and the level disagree, and the batch is refused rather than
 * undo what was never recorded. A tenant above the migrations `downs` knows
 * (a newer release migrated it) is refused too. The caller holds the rows'
 * locks and records the new level.
 */
export function rollbackBlock(slugs: string[], downs: TenantMigrationScript[], to: number): string {
  for (const { name, sql } of downs)
    if (sql.some((s) => s.includes(BLOCK_QUOTE) || s.includes(SQL_QUOTE)))
      throw new Error(`Tenant migration ${name} may not contain ${BLOCK_QUOTE} or ${SQL_QUOTE}`);
  const undo = downs
    .map(({ name, sql }, index) => ({ name, sql, position: index + 1 }))
    .filter(({ position }) => position > to)
    .reverse();
  return [
    `do ${BLOCK_QUOTE} declare tenant record; removed integer; saved text := current_setting('search_path'); begin`,
    'for tenant in select o.tenant_schema_version as level, t.slug, t.schema from public.organizations o ' +
      `join ${tenantRows(slugs)} on t.slug = o.slug order by o.slug loop`,
    `if tenant.level > ${downs.length} then raise exception 'tenant % is at level %, above the ${downs.length} migrations this release can undo', tenant.schema, tenant.level; end if;`,
    `perform set_config('search_path', quote_ident(tenant.schema), true);`,
    ...undo.flatMap(({ name, sql, position }) => [
      `if tenant.level >= ${position} then`,
      `execute format('delete from ${LEDGER_TABLE} where name = %L', ${quoteLiteral(name)});`,
      'get diagnostics removed = row_count;',
      `if removed = 0 then raise exception 'tenant % is at level % but its ledger does not list %', tenant.schema, tenant.level, ${quoteLiteral(name)}; end if;`,
      ...sql.map((s) => `execute ${SQL_QUOTE}${s}${SQL_QUOTE};`),
      'end if;',
    ]),
    'end loop;',
    `perform set_config('search_path', saved, true);`,
    `end ${BLOCK_QUOTE}`,
  ].join('\n');
}
