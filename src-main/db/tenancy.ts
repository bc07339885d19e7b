import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { tierLimits, type Tier } from '../../src-shared/domain/tiers.ts';
import { Organization } from './entities/index.ts';
import { AppError } from '../../src-shared/errors.ts';
import { checkedTenantSchema, quotedTenantSchema } from './identifiers.ts';
import {
  createMigratedSchema,
  LEDGER_TABLE,
  ledgerViewSql,
  requireTransaction,
  TENANT_MIGRATION_COUNT,
  tenantMigrationScripts,
  type TenantMigrationList,
} from './tenant-migrator.ts';

/** An EntityManager fork whose wildcard entities (agents, …) live in the organization's schema. */
export function tenantEm(em: EntityManager, slug: string): EntityManager {
  quotedTenantSchema(slug);
  return em.fork({ schema: tenantSchemaName(slug) });
}

/** An organization as its row reads, column by column, before it is made an entity. */
export type OrganizationRow = EntityData<Organization>;

/**
 * An organization's row by id, read by one plain statement: findOne builds
 * its query through the query builder each time, which took as long as the
 * read itself (0.56 against 0.29 ms), on every tenant call.
 */
export async function organizationRow(
  em: EntityManager,
  id: string,
): Promise<OrganizationRow | null> {
  const [row] = await em.execute<OrganizationRow[]>(
    'select * from public.organizations where id = ?',
    [id],
  );
  return row ?? null;
}

export interface NewOrganization {
  name: string;
  slug: string;
  tier: Tier;
}

/**
 * Creates an organization and its schema in the caller's transaction: the
 * row (limits from its tier), CREATE SCHEMA, then every tenant migration
 * inside it. Any failure rolls all three back with the transaction, so no
 * row without schema or schema without row.
 */
export async function provisionOrganization(
  tx: EntityManager,
  data: NewOrganization,
  migrations?: TenantMigrationList,
): Promise<Organization> {
  requireTransaction(tx);
  // refused before the row is written
  checkedTenantSchema(data.slug);
  const organization = tx.create(Organization, {
    name: data.name,
    slug: data.slug,
    tier: data.tier,
    ...tierLimits(data.tier),
    // true once this transaction commits, and it commits only if every migration applied
    tenantSchemaVersion: migrations?.length ?? TENANT_MIGRATION_COUNT,
  });
  await tx.flush();
  await createMigratedSchema(tx, data.slug, await tenantMigrationScripts(tx, migrations));
  return organization;
}

/**
 * Gives an organization a new slug in the caller's transaction, with every
 * place the slug lives: the schema is renamed (its tables, indexes and
 * sequences go with it), the row changes (its ledger rows in
 * public.tenant_migrations follow by cascade), and the tenant's ledger view,
 * which names its tenant as a constant, is defined again. The caller holds
 * the organization's row. A slug in use, or a schema of that name left
 * without an organization, is refused. Four round trips (the checks with
 * the ledger's kind, the schema's DDL as one batch, the row): each was a
 * millisecond or more on a loaded server, where the statements themselves
 * take a tenth of that at 10,000 tenants (docs/scaling.md, B14).
 */
export async function renameTenant(
  tx: EntityManager,
  organization: Organization,
  slug: string,
): Promise<void> {
  requireTransaction(tx);
  const from = quotedTenantSchema(organization.slug);
  const to = quotedTenantSchema(slug);
  const [taken] = await tx.execute<
    { organization: boolean; schema: boolean; ledger: string | null }[]
  >(
    `select exists (select 1 from public.organizations where slug = ?) as organization,
            exists (select 1 from pg_namespace where nspname = ?) as schema,
            (select c.relkind from pg_class c
              where c.relnamespace = to_regnamespace(?) and c.relname = ?)::text as ledger`,
    [slug, tenantSchemaName(slug), from, LEDGER_TABLE],
  );
  if (taken?.organization)
    throw new AppError('CONFLICT', `Another organization has the slug ${slug}`, {
      slug: 'is already taken',
    });
  if (taken?.schema)
    throw new AppError(
      'CONFLICT',
      `A schema named ${tenantSchemaName(slug)} already exists without an organization; drop or rename it first`,
      { slug: 'its schema name is already taken' },
    );
  const ddl = [`alter schema ${from} rename to ${to}`];
  if (taken?.ledger === 'v') {
    // as tenant migration 5 defines it, naming the new slug
    ddl.push(ledgerViewSql(`${to}.${LEDGER_TABLE}`, slug));
  }
  await tx.execute(ddl.join(';\n'));
  organization.slug = slug;
  await tx.flush();
}

/** Drops the organization's schema, its users and its row, in the caller's transaction. */
export async function deprovisionOrganization(
  tx: EntityManager,
  organization: Organization,
): Promise<void> {
  requireTransaction(tx);
  await tx.execute('delete from public.users where organization_id = ?', [organization.id]);
  await tx.execute(`drop schema if exists ${quotedTenantSchema(organization.slug)} cascade`);
  tx.remove(organization);
  await tx.flush();
}
