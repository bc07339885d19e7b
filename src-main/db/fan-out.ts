import { availableParallelism } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import type { MigrateAllResult } from '../../src-shared/contract.ts';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { quoteLiteral } from './identifiers.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { holdMaintenance, type MaintenanceHold } from './maintenance.ts';
import type { Orm } from './orm.ts';
import {
  guardedMigrationBlock,
  levelMigrationBlock,
  tenantMigrationScripts,
  type TenantMigrationList,
} from './tenant-migrator.ts';

/** What a fan-out did, as Tenancy shows it. */
export type FanOutResult = MigrateAllResult;
type TenantFailure = MigrateAllResult['failed'][number];

export interface FanOutOptions {
  concurrency?: number;
  onProgress?: (progress: MigrationProgress) => void;
  /** The tenant migration set; tests pass a longer one to simulate a release. */
  migrations?: TenantMigrationList;
}

/**
 * Tenants are migrated in batches, one batch in flight per core (two to
 * six). A batch's work is the server's CPU (catalog rows, relation caches,
 * invalidations), and more batches in flight than cores only add contention
 * between them: on two cores (PostgreSQL 15) 10,000 tenants took 4.5-4.9 s
 * with two and 6.5-12 s with six, 2,000 tenants 1.3 s against 1.8 s. The
 * cores counted are this machine's, the embedded server's own and a
 * stand-in for a remote one's; the pool's other connections are left for
 * requests while an administrator retries from Tenancy.
 */
export const DEFAULT_FAN_OUT_CONCURRENCY = Math.min(6, Math.max(2, availableParallelism()));

/**
 * At most this many tenants share a transaction: each holds its tables'
 * locks until the commit (kept well inside the server's lock table), and a
 * failing tenant sends its batch back to be retried one tenant at a time.
 */
const BATCH_SIZE = 50;

/** An organization whose schema is behind, with the level its row records. */
interface TenantBehind {
  slug: string;
  level: number;
}

/**
 * Organizations whose schema is behind, decided from public alone: each
 * organization row carries the number of tenant migrations its schema has.
 */
async function tenantLevelsBehind(em: EntityManager, latest: number): Promise<TenantBehind[]> {
  return em
    .fork()
    .execute<TenantBehind[]>(
      'select slug, tenant_schema_version as level from public.organizations where tenant_schema_version < ? order by slug',
      [latest],
    );
}

export async function tenantsBehind(em: EntityManager, latest: number): Promise<string[]> {
  return (await tenantLevelsBehind(em, latest)).map((tenant) => tenant.slug);
}

/**
 * A batch of tenants (in slug order): their rows locked in that order, the
 * migrations each one lacks applied by `block`, their levels recorded, as
 * one statement batch in one transaction. The commit does not wait for the
 * WAL flush (synchronous_commit off, for this transaction only): the schema
 * changes, their ledger rows and the levels commit together or not at all,
 * so a crash can only lose whole tenants' migrations, which are then behind
 * and rerun (faults.test.ts kills the server mid-fan-out).
 */
async function migrateBatch(em: EntityManager, slugs: string[], block: string, latest: number) {
  const bySlug = `where slug in (${slugs.map(quoteLiteral).join(', ')})`;
  const batch = [
    'set local synchronous_commit = off',
    `select 1 from public.organizations ${bySlug} order by slug for update`,
    block,
    `update public.organizations set tenant_schema_version = ${latest} ${bySlug}`,
  ];
  await em.transactional((tx) => tx.execute(batch.join(';\n')), { clear: true });
}

/**
 * Brings every tenant schema up to the latest tenant migration with bounded
 * concurrency. A tenant that fails is reported by name and rolled back; the
 * others still migrate (a failed batch is retried one tenant at a time, by
 * its ledger).
 */
export async function migrateAllTenants(
  em: EntityManager,
  options: FanOutOptions = {},
): Promise<FanOutResult> {
  const migrations = options.migrations ?? TENANT_MIGRATIONS;
  const latest = migrations.length;
  const behind = await tenantLevelsBehind(em, latest);
  const scripts = await tenantMigrationScripts(em, migrations);
  const total = behind.length;
  const failed: TenantFailure[] = [];
  const concurrency = Math.max(
    1,
    Math.min(options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, total),
  );
  // small fleets still spread over every worker
  const size = Math.max(1, Math.min(BATCH_SIZE, Math.ceil(total / concurrency)));
  let next = 0;
  let done = 0;
  const take = () => behind.slice(next, (next += size));

  const report = (slug: string, didFail: boolean) => {
    done += 1;
    options.onProgress?.({ done, total, slug, failed: didFail });
  };

  /** One tenant by its ledger: only a tenant that fails even so is reported. */
  const migrateAlone = async (fork: EntityManager, slug: string): Promise<void> => {
    try {
      await migrateBatch(fork, [slug], guardedMigrationBlock([slug], scripts), latest);
      report(slug, false);
    } catch (error) {
      failed.push({
        slug,
        schema: tenantSchemaName(slug),
        message: error instanceof Error ? error.message : String(error),
      });
      report(slug, true);
    }
  };

  /**
   * A batch by its levels, or when it fails, each of its tenants alone by
   * its ledger; in maintenance from before its transaction until after.
   */
  const migrate = async (
    fork: EntityManager,
    hold: MaintenanceHold,
    batch: TenantBehind[],
  ): Promise<void> => {
    const slugs = batch.map((tenant) => tenant.slug);
    await hold.claim('slug', slugs);
    try {
      const from = Math.min(...batch.map((tenant) => tenant.level));
      await migrateBatch(fork, slugs, levelMigrationBlock(slugs, scripts, from), latest);
      for (const slug of slugs) report(slug, false);
    } catch {
      for (const slug of slugs) await migrateAlone(fork, slug);
    } finally {
      await hold.release('slug', slugs);
    }
  };

  if (total > 0) {
    const hold = await holdMaintenance(em, 'being migrated', 'tenancy.migrateAll');
    const worker = async () => {
      const fork = em.fork();
      for (let batch = take(); batch.length > 0; batch = take()) await migrate(fork, hold, batch);
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      await hold.close();
    }
  }
  failed.sort((a, b) => a.slug.localeCompare(b.slug));
  return { total, migrated: total - failed.length, failed };
}

/** Migrates the public schema with the ORM's own (public-set) migrator. */
export async function migratePublic(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
