import type { MigrationsOptions, Transaction } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';

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
  constructor(
    em: EntityManager,
    migrations: MigrationsOptions['migrationsList'] = TENANT_MIGRATIONS,
  ) {
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
