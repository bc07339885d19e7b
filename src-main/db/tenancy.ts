import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { tierLimits, type Tier } from '../../src-shared/domain/tiers.ts';
import { Organization } from './entities/index.ts';
import { checkedTenantSchema, quotedTenantSchema } from './identifiers.ts';
import {
  createMigratedSchema,
  TENANT_MIGRATION_COUNT,
  tenantMigrationScripts,
  type TenantMigrationList,
} from './tenant-migrator.ts';

/** An EntityManager fork whose wildcard entities (agents, …) live in the organization's schema. */
export function tenantEm(em: EntityManager, slug: string): EntityManager {
  quotedTenantSchema(slug);
  return em.fork({ schema: tenantSchemaName(slug) });
}

export interface NewOrganization {
  name: string;
  slug: string;
  tier: Tier;
}

/**
 * Creates an organization and its schema in one transaction: the row (limits
 * from its tier), CREATE SCHEMA, then every tenant migration inside it. Any
 * failure rolls all three back, so no row without schema or schema without row.
 */
export async function provisionOrganization(
  em: EntityManager,
  data: NewOrganization,
  migrations?: TenantMigrationList,
  alsoInTransaction?: (tx: EntityManager, organization: Organization) => Promise<void>,
): Promise<Organization> {
  const schema = checkedTenantSchema(data.slug);
  return em.fork().transactional(async (tx) => {
    const organization = tx.create(Organization, {
      name: data.name,
      slug: data.slug,
      tier: data.tier,
      ...tierLimits(data.tier),
      // true once this transaction commits, and it commits only if every migration applied
      tenantSchemaVersion: migrations?.length ?? TENANT_MIGRATION_COUNT,
    });
    await tx.flush();
    await createMigratedSchema(tx, schema, await tenantMigrationScripts(tx, migrations));
    await alsoInTransaction?.(tx, organization);
    return organization;
  });
}

/** Drops the organization's schema, its users and its row, all or nothing. */
export async function deprovisionOrganization(
  em: EntityManager,
  organizationId: string,
  alsoInTransaction?: (tx: EntityManager) => Promise<void>,
): Promise<void> {
  await em.fork().transactional(async (tx) => {
    const organization = await tx.findOneOrFail(Organization, organizationId, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    await tx.execute('delete from public.users where organization_id = ?', [organizationId]);
    await tx.execute(`drop schema if exists ${quotedTenantSchema(organization.slug)} cascade`);
    tx.remove(organization);
    await tx.flush();
    await alsoInTransaction?.(tx);
  });
}
