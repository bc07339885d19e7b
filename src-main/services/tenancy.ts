import type { MigrateAllResult, TenantStatus } from '../../src-shared/contract.ts';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { TENANT_TABLES } from '../db/entities/index.ts';
import { migrateAllTenants } from '../db/fan-out.ts';
import { TENANT_MIGRATION_COUNT, TENANT_MIGRATION_NAMES } from '../db/tenant-migrator.ts';
import type { Work } from './work.ts';

/**
 * Every tenant from public alone: its migration level is on the
 * organization row, so this never opens the tenants' own ledgers.
 */
export async function tenancyStatus(w: Work): Promise<TenantStatus[]> {
  const rows = await w.em.execute<
    {
      id: string;
      slug: string;
      tenant_schema_version: number;
      agent_count: number;
      has_schema: boolean;
      missing: string[] | null;
    }[]
  >(
    // one catalog query for every tenant: is its schema there, and which expected tables are not
    `select o.id, o.slug, o.tenant_schema_version, o.agent_count, n.oid is not null as has_schema,
            (select array_agg(t order by t) from unnest(?::text[]) t
              where not exists (select 1 from pg_class c where c.relnamespace = n.oid and c.relname = t)) as missing
       from public.organizations o
       left join pg_namespace n on n.nspname = 'org_' || o.slug
      order by o.slug`,
    [`{${TENANT_TABLES.join(',')}}`],
  );
  return rows.map((row) => {
    const applied = Number(row.tenant_schema_version);
    const problem = !row.has_schema
      ? `Its schema ${tenantSchemaName(row.slug)} is missing from the database`
      : row.missing?.length
        ? `Missing tables: ${row.missing.join(', ')}`
        : w.runtime.tenantFailures.of(row.slug);
    return {
      organizationId: row.id,
      slug: row.slug,
      schema: tenantSchemaName(row.slug),
      appliedMigrations: applied,
      pendingMigrations: TENANT_MIGRATION_NAMES.slice(Math.min(applied, TENANT_MIGRATION_COUNT)),
      agentCount: Number(row.agent_count),
      problem,
    };
  });
}

/** Brings every tenant schema up to date, with progress pushed to the consoles. */
export async function migrateAll(w: Work): Promise<MigrateAllResult> {
  const result = await migrateAllTenants(w.runtime.root, {
    onProgress: (progress) => w.runtime.emit({ type: 'migration-progress', ...progress }),
  });
  w.runtime.tenantFailures.replace(result);
  if (result.total > 0) {
    w.audit({
      targetId: null,
      organizationId: null,
      changes: {
        migrated: { from: null, to: result.migrated },
        failed: { from: null, to: result.failed.length },
      },
    });
  }
  return result;
}
