import type { EntityManager } from '@mikro-orm/postgresql';
import type { StructureRepairResult, StructureReport } from '../../../src-shared/contract.ts';
import { quoteIdent, quoteLiteral } from '../identifiers.ts';
import { holdMaintenance } from '../maintenance.ts';
import { inTenantBatch } from '../tenant-batch.ts';
import { catalogHealth } from './catalog-health.ts';
import { findDrift, type CheckOptions } from './check.ts';
import { structureTriggersInPlace } from './marks.ts';

/** Every tenant's structure against its level's, and the catalog's health. */
export async function checkStructure(
  em: EntityManager,
  options: CheckOptions = {},
): Promise<StructureReport> {
  const started = performance.now();
  const found = await findDrift(em, options);
  const elapsedMs = Math.round(performance.now() - started);
  return {
    checkedAt: new Date().toISOString(),
    elapsedMs,
    ...found,
    catalog: await catalogHealth(em),
    structureTriggers: await structureTriggersInPlace(em),
  };
}

/** A repair's statements for one tenant: `<tenant>` is its slug. */
const forTenant = (statements: readonly string[], slug: string) =>
  statements.map((statement) => statement.replaceAll("'<tenant>'", quoteLiteral(slug)));

/**
 * Applies the safe part of each drift found among `organizationIds`
 * (missing indexes, missing or changed defaults), each tenant in one
 * transaction of its own through inTenantBatch, its organization's row held
 * meanwhile. A tenant whose repair fails is rolled back and named; the
 * others are repaired. Each tenant is in maintenance ("being repaired")
 * while its repair runs. What still differs afterwards is read again.
 */
export async function repairStructure(
  em: EntityManager,
  organizationIds: readonly string[],
  options: Omit<CheckOptions, 'organizationIds'> = {},
): Promise<StructureRepairResult> {
  const scope = { ...options, organizationIds };
  const { drifted } = await findDrift(em, scope);
  const repaired: StructureRepairResult['repaired'] = [];
  const failed: StructureRepairResult['failed'] = [];
  const work = drifted.filter((drift) => drift.repair.length > 0);
  if (work.length > 0) {
    const fork = em.fork();
    const hold = await holdMaintenance(em, 'being repaired', 'tenancy.repair');
    try {
      for (const drift of work)
        for (const tenant of drift.tenants) {
          const statements = forTenant(drift.repair, tenant.slug);
          await hold.claim('id', [tenant.organizationId]);
          try {
            await inTenantBatch(
              fork,
              [tenant.slug],
              [`set local search_path to ${quoteIdent(tenant.schema)}`, ...statements],
            );
            repaired.push({ organizationId: tenant.organizationId, slug: tenant.slug, statements });
          } catch (error) {
            failed.push({
              organizationId: tenant.organizationId,
              slug: tenant.slug,
              message: error instanceof Error ? error.message : String(error),
            });
          } finally {
            await hold.release('id', [tenant.organizationId]);
          }
        }
    } finally {
      await hold.close();
    }
  }
  return { repaired, failed, remaining: (await findDrift(em, scope)).drifted };
}
