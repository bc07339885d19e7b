import type { MigrationsOptions, Transaction } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { quoteIdent } from './identifiers.ts';

type MigrationList = NonNullable<MigrationsOptions['migrationsList']>;
type Migration = InstanceType<Exclude<MigrationList[number], { class: unknown }>>;

/** The transaction an EntityManager is in; tenant migrations must join it. */
export function transactionOf(em: EntityManager): Transaction {
  const transaction = em.getTransactionContext();
  if (!transaction) throw new Error('Tenant migrations must run inside a transaction');
  return transaction;
}

export const TENANT_MIGRATION_COUNT = TENANT_MIGRATIONS.length;
export const TENANT_MIGRATION_NAMES: readonly string[] = TENANT_MIGRATIONS.map((m) => m.name);

/**
 * A Migrator over the tenant migration set. MikroORM reads migrator options
 * only from the ORM's config, which holds the public set; this one replaces
 * them before its services are built. One instance must not serve two
 * concurrent up() calls, so callers make one per worker.
 */
export class TenantMigrator extends Migrator {
  constructor(em: EntityManager, migrations: MigrationList = TENANT_MIGRATIONS) {
    super(em);
    Object.assign(this, {
      options: {
        ...this.options,
        migrationsList: migrations,
        includeWildcardSchema: true,
        tableName: 'mikro_orm_migrations',
      },
    });
    this.initServices();
  }

  /** Applies pending tenant migrations inside `schema`, within the caller's transaction. */
  async upIn(schema: string, transaction: Transaction): Promise<string[]> {
    const applied = await this.up({ schema, transaction });
    return applied.map((m) => m.name);
  }
}

/** The ledger exactly as MikroORM's migrator creates it, so that it reads this one later. */
const LEDGER_DDL =
  'create table mikro_orm_migrations (id serial primary key, name varchar(255) not null, ' +
  'executed_at timestamptz(6) not null default current_timestamp(6))';

/** A migration's name as the migrator records it in the ledger. */
function ledgerName(migration: Migration, explicit?: string): string {
  return (explicit ?? migration.name ?? migration.constructor.name).replace(/\.[jt]s$/, '');
}

async function migrationScript(
  em: EntityManager,
  entry: MigrationList[number],
): Promise<{ name: string; sql: string[] }> {
  const [MigrationClass, explicitName] =
    typeof entry === 'function' ? [entry, undefined] : [entry.class, entry.name];
  const migration = new MigrationClass(em.getDriver(), em.config);
  await migration.up();
  const name = ledgerName(migration, explicitName);
  const queries: unknown[] = migration.getQueries?.() ?? [];
  const sql = queries.map((query) => {
    if (typeof query !== 'string') throw new Error(`Tenant migration ${name} must add plain SQL`);
    return query;
  });
  return { name, sql };
}

/**
 * Creates a tenant schema with every migration applied and recorded, in one
 * statement batch inside the caller's transaction. A schema this transaction
 * creates has no ledger and nothing applied, so the migrator's ledger lookups,
 * namespace scan and per-migration savepoints would be pure round trips; the
 * ledger written here is the one the migrator reads when later migrations fan out.
 */
export async function createMigratedSchema(
  em: EntityManager,
  schema: string,
  migrations: MigrationList = TENANT_MIGRATIONS,
): Promise<string[]> {
  transactionOf(em);
  const scripts = await Promise.all(migrations.map((entry) => migrationScript(em, entry)));
  const quoted = quoteIdent(schema);
  const statements = [
    `create schema ${quoted}`,
    `set search_path to ${quoted}`,
    LEDGER_DDL,
    ...scripts.flatMap(({ name, sql }) => [
      ...sql,
      `insert into mikro_orm_migrations (name) values (${em.getPlatform().quoteValue(name)})`,
    ]),
    // a failure rolls the transaction back, and the search_path with it
    'reset search_path',
  ];
  await em.execute(statements.join(';\n'));
  return scripts.map(({ name }) => name);
}
