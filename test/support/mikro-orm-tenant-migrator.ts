import type { MigrationsOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';

/**
 * MikroORM's own migrator over the tenant migration set: the reference the
 * console's tenant ledgers must match, so that MikroORM's tooling reads them.
 * MikroORM reads migrator options only from the ORM's config (the public
 * set); this one replaces them before its services are built.
 */
export class MikroOrmTenantMigrator extends Migrator {
  constructor(
    em: EntityManager,
    migrations: NonNullable<MigrationsOptions['migrationsList']> = TENANT_MIGRATIONS,
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

  /** Applies pending migrations inside `schema`, within the transaction `em` is in. */
  async upIn(schema: string, em: EntityManager): Promise<string[]> {
    const transaction = em.getTransactionContext();
    if (!transaction) throw new Error('upIn needs a transaction');
    const applied = await this.up({ schema, transaction });
    return applied.map((m) => m.name);
  }
}
