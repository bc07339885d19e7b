import { Migrator } from '@mikro-orm/migrations';
import type { Pool } from 'pg';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { PUBLIC_MIGRATIONS } from '../../migrations/public/index.ts';
import { ENTITIES } from './entities/index.ts';
import { guardPool } from './pool-guard.ts';

export type Orm = MikroORM;

export interface OrmOptions {
  /** Upper bound on pooled connections; tenant fan-out uses a share of it. */
  poolMax?: number;
}

export async function openOrm(url: string, options: OrmOptions = {}): Promise<Orm> {
  return MikroORM.init(
    defineConfig({
      clientUrl: url,
      entities: ENTITIES,
      extensions: [Migrator],
      discovery: { warnWhenNoEntities: false },
      ensureDatabase: false,
      allowGlobalContext: false,
      pool: { min: 0, max: options.poolMax ?? 10 },
      driverOptions: {
        // the pool reads the URL as node-postgres does: MikroORM's own reading of clientUrl
        // takes host, user, password and database only, and drops ?password=, sslmode and the rest
        connectionString: url,
        onPoolCreated: (pool: Pool) => guardPool(pool),
        // a pool that cannot hand out a connection answers UNAVAILABLE instead of waiting forever
        connectionTimeoutMillis: 15_000,
      },
      migrations: {
        tableName: 'mikro_orm_migrations',
        migrationsList: PUBLIC_MIGRATIONS,
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        snapshotOnMigrate: false,
        silent: true,
      },
    }),
  );
}
