import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Agent, Organization } from '../db/entities/index.ts';
import { tenantEm } from '../db/tenancy.ts';
import type { ServiceContext } from './context.ts';
import { withDbErrors } from './db-errors.ts';
import { visibleOrganization } from './organizations.ts';
import { requireAgentWriter } from './policy.ts';
import { inTransaction } from './transactions.ts';

/*
 * How agent services reach an organization's tenant schema: the visibility
 * and writer policies first, then a fork bound to org_<slug>, with a damaged
 * schema reported by name.
 */

async function tenantOf(ctx: ServiceContext, organizationId: string) {
  const organization = await visibleOrganization(ctx, organizationId);
  return {
    organization,
    schema: { schema: tenantSchemaName(organization.slug) },
    fork: () => tenantEm(ctx.em, organization.slug),
  };
}

type TenantWork<T> = (em: EntityManager, organization: Organization) => Promise<T>;

/** A read in the organization's tenant schema. */
export async function tenantRead<T>(
  ctx: ServiceContext,
  organizationId: string,
  work: TenantWork<T>,
): Promise<T> {
  const { organization, schema, fork } = await tenantOf(ctx, organizationId);
  return withDbErrors(() => work(fork(), organization), schema);
}

/**
 * The policy and the organization once, then each `work` in its own
 * transaction in the tenant schema (a fresh fork each): bulk actions run
 * many writes without reading the organization again for every row.
 */
export async function tenantWriter(
  ctx: ServiceContext,
  organizationId: string,
): Promise<<T>(work: TenantWork<T>) => Promise<T>> {
  requireAgentWriter(ctx.actor, organizationId);
  const { organization, schema, fork } = await tenantOf(ctx, organizationId);
  return (work) => inTransaction(fork(), (tx) => work(tx, organization), schema);
}

/** A write in the organization's tenant schema: the policy, then one transaction there. */
export async function tenantWrite<T>(
  ctx: ServiceContext,
  organizationId: string,
  work: TenantWork<T>,
): Promise<T> {
  return (await tenantWriter(ctx, organizationId))(work);
}

/**
 * Locks the organization row for the transaction: agent creates and deletes,
 * skill attachments and tier changes of one organization queue up behind it.
 */
export function lockOrganization(tx: EntityManager, id: string): Promise<Organization> {
  return tx.findOneOrFail(Organization, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/**
 * The count changes with agents, not with what an operator edits on the
 * organization, so it bypasses the row's optimistic-lock version.
 */
export async function adjustAgentCount(
  tx: EntityManager,
  organizationId: string,
  delta: number,
): Promise<void> {
  await tx.execute('update public.organizations set agent_count = agent_count + ? where id = ?', [
    delta,
    organizationId,
  ]);
}

export async function findAgent(em: EntityManager, id: string, lock = false): Promise<Agent> {
  const agent = await em.findOne(Agent, id, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!agent) throw new AppError('NOT_FOUND', 'Agent not found');
  return agent;
}

/** The LIMIT_REACHED answer when `adding` more agents would pass the organization's limit. */
export function requireAgentRoom(organization: Organization, adding: number): void {
  if (organization.agentCount + adding <= organization.agentLimit) return;
  const room = Math.max(0, organization.agentLimit - organization.agentCount);
  const wanted = adding === 1 ? '' : ` (${adding} wanted, room for ${room})`;
  throw new AppError(
    'LIMIT_REACHED',
    `${organization.name} already has ${organization.agentCount} of ${organization.agentLimit} agents allowed on the ${organization.tier} tier${wanted}; ` +
      'upgrade the tier or delete an agent first',
  );
}
