import { availableParallelism } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import type { MigrateAllResult } from '../../src-shared/contract.ts';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { checkedTenantSchema } from './identifiers.ts';
import { holdMaintenance, type MaintenanceHold } from './maintenance.ts';
import { INSTALL_STRUCTURE_MARKS_SQL } from './structure/marks.ts';
import type { Orm } from './orm.ts';
import { inTenantBatch, slugsWhere } from './tenant-batch.ts';
import {
  guardedMigrationBlock,
  levelMigrationBlock,
  rollbackBlock,
  tenantMigrationScripts,
  tenantRollbackScripts,
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
  /** Only these organizations (a rollout's step); every one behind when left out. */
  slugs?: readonly string[];
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

/** An organization, with the level its row records. */
interface TenantAtLevel {
  slug: string;
  level: number;
}

/**
 * Organizations whose schema is behind, decided from public alone: each
 * organization row carries the number of tenant migrations its schema has.
 */
async function tenantLevelsBehind(em: EntityManager, latest: number): Promise<TenantAtLevel[]> {
  return em
    .fork()
    .execute<TenantAtLevel[]>(
      'select slug, tenant_schema_version as level from public.organizations where tenant_schema_version < ? order by slug',
      [latest],
    );
}

export async function tenantsBehind(em: EntityManager, latest: number): Promise<string[]> {
  return (await tenantLevelsBehind(em, latest)).map((tenant) => tenant.slug);
}

/** What one pass over tenants does: in batches by their levels, or one tenant alone. */
interface TenantPass {
  /** The tenants to visit, in slug order. */
  tenants: TenantAtLevel[];
  /** The statements that do a batch's work and record its levels. */
  batch: (tenants: TenantAtLevel[]) => string[];
  /** The same for one tenant whose batch failed. */
  alone: (slug: string) => string[];
  /** What a tenant's writes are told while its batch is worked on ("being migrated"). */
  reason: string;
}

/**
 * Runs a pass with bounded concurrency, each batch in one transaction
 * (inTenantBatch), in maintenance from before that transaction until
 * after it (or the process) ends. A failed batch is retried one tenant at a time; a tenant
 * that fails even so is rolled back and reported by name, and the others
 * still go ahead. Progress is reported tenant by tenant.
 */
async function fanOut(
  em: EntityManager,
  pass: TenantPass,
  options: Pick<FanOutOptions, 'concurrency' | 'onProgress'>,
): Promise<FanOutResult> {
  const { tenants } = pass;
  const total = tenants.length;
  const failed: TenantFailure[] = [];
  const concurrency = Math.max(
    1,
    Math.min(options.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, total),
  );
  // small fleets still spread over every worker
  const size = Math.max(1, Math.min(BATCH_SIZE, Math.ceil(total / concurrency)));
  let next = 0;
  let done = 0;
  const take = () => tenants.slice(next, (next += size));

  const report = (slug: string, didFail: boolean) => {
    done += 1;
    options.onProgress?.({ done, total, slug, failed: didFail });
  };

  const runAlone = async (fork: EntityManager, slug: string): Promise<void> => {
    try {
      await inTenantBatch(fork, [slug], pass.alone(slug));
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

  const run = async (
    fork: EntityManager,
    hold: MaintenanceHold,
    batch: TenantAtLevel[],
  ): Promise<void> => {
    const slugs = batch.map((tenant) => tenant.slug);
    try {
      await hold.claim('slug', slugs);
    } catch (error) {
      // never worked on outside maintenance: each is reported, the others go on
      const message = `could not be put in maintenance: ${error instanceof Error ? error.message : String(error)}`;
      for (const slug of slugs) {
        failed.push({ slug, schema: tenantSchemaName(slug), message });
        report(slug, true);
      }
      return;
    }
    try {
      await inTenantBatch(fork, slugs, pass.batch(batch));
      for (const slug of slugs) report(slug, false);
    } catch {
      for (const slug of slugs) await runAlone(fork, slug);
    } finally {
      await hold.release('slug', slugs);
    }
  };

  if (total > 0) {
    const hold = await holdMaintenance(em, pass.reason, 'tenancy.migrateAll');
    const worker = async () => {
      const fork = em.fork();
      for (let batch = take(); batch.length > 0; batch = take()) await run(fork, hold, batch);
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

const slugsOf = (tenants: TenantAtLevel[]) => tenants.map((tenant) => tenant.slug);

/**
 * Brings every tenant schema up to the latest tenant migration with bounded
 * concurrency. A batch is migrated by its levels (levelMigrationBlock); a
 * tenant whose batch failed, by its ledger (guardedMigrationBlock).
 */
export async function migrateAllTenants(
  em: EntityManager,
  options: FanOutOptions = {},
): Promise<FanOutResult> {
  const migrations = options.migrations ?? TENANT_MIGRATIONS;
  const latest = migrations.length;
  const scripts = await tenantMigrationScripts(em, migrations);
  const only = options.slugs && new Set(options.slugs);
  const record = (slugs: string[]) =>
    `update public.organizations set tenant_schema_version = ${latest} ${slugsWhere(slugs)}`;
  return fanOut(
    em,
    {
      tenants: (await tenantLevelsBehind(em, latest)).filter(
        (tenant) => !only || only.has(tenant.slug),
      ),
      batch: (batch) => {
        const slugs = slugsOf(batch);
        const from = Math.min(...batch.map((tenant) => tenant.level));
        return [levelMigrationBlock(slugs, scripts, from), record(slugs)];
      },
      alone: (slug) => [guardedMigrationBlock([slug], scripts), record([slug])],
      reason: 'being migrated',
    },
    options,
  );
}

export interface RollbackOptions extends FanOutOptions {
  /** The level to take tenants back to: how many tenant migrations they keep. */
  to: number;
  /** Only these organizations (slugs); every one above `to` when left out. */
  slugs?: readonly string[];
}

/** The organizations among `slugs` above `to`, or every one; refuses a slug no organization has. */
async function tenantsAbove(
  em: EntityManager,
  to: number,
  slugs: readonly string[] | undefined,
): Promise<TenantAtLevel[]> {
  const fork = em.fork();
  // checked slugs only: each is then safe inside an array literal
  const list = slugs && `{${slugs.map((slug) => (checkedTenantSchema(slug), slug)).join(',')}}`;
  if (list) {
    const unknown = await fork.execute<{ slug: string }[]>(
      'select s.slug from unnest(?::text[]) s(slug) where not exists (select 1 from public.organizations o where o.slug = s.slug) order by 1',
      [list],
    );
    if (unknown.length > 0)
      throw new Error(`No organization has the slug ${unknown.map((u) => u.slug).join(', ')}`);
  }
  return fork.execute<TenantAtLevel[]>(
    `select slug, tenant_schema_version as level from public.organizations
      where tenant_schema_version > ? ${list ? 'and slug = any(?::text[])' : ''} order by slug`,
    list ? [to, list] : [to],
  );
}

/**
 * Takes tenants back to level `to`, level by level (each migration's
 * down(), the last first), each tenant in one transaction with its ledger
 * rows and its organization's level: a failing tenant stays at its level
 * and is named, the others go ahead, and a rerun continues with those
 * still above `to` (the same batches, progress and naming as the fan-out).
 */
export async function rollbackTenants(
  em: EntityManager,
  options: RollbackOptions,
): Promise<FanOutResult> {
  const migrations = options.migrations ?? TENANT_MIGRATIONS;
  const { to } = options;
  if (!Number.isInteger(to) || to < 0 || to > migrations.length)
    throw new Error(
      `The level to roll back to must be a whole number from 0 to ${migrations.length}`,
    );
  const tenants = await tenantsAbove(em, to, options.slugs);
  const downs = await tenantRollbackScripts(em, migrations);
  const statements = (slugs: string[]) => [
    rollbackBlock(slugs, downs, to),
    // least(): a tenant found at or below `to` once locked was left as it is
    `update public.organizations set tenant_schema_version = least(tenant_schema_version, ${to}) ${slugsWhere(slugs)}`,
  ];
  return fanOut(
    em,
    {
      tenants,
      batch: (batch) => statements(slugsOf(batch)),
      alone: (slug) => statements([slug]),
      reason: 'being rolled back',
    },
    options,
  );
}

/** Migrates the public schema with the ORM's own (public-set) migrator. */
export async function migratePublic(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  // the drift check's marks, when this connection may make event triggers
  await orm.em.getConnection().execute(INSTALL_STRUCTURE_MARKS_SQL);
  return applied.map((m) => m.name);
}
