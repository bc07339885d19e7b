import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParsedInput } from '../../src-shared/contract.ts';
import { tierLimits } from '../../src-shared/domain/tiers.ts';
import type { OrganizationDto, Page } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Organization } from '../db/entities/index.ts';
import { deprovisionOrganization, provisionOrganization } from '../db/tenancy.ts';
import { created, diff, recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { withDbErrors } from './db-errors.ts';
import { inTransaction, requireVersion } from './transactions.ts';
import { organizationDto } from './dto-mapping.ts';
import { containsPattern, findPage, offsetOf, sortOf } from './paging.ts';
import { organizationScope, requireAdmin, requireOrganizationVisible } from './policy.ts';
import { counted, skillsAbove } from './skill-usage.ts';

/** Loads an organization the actor may see, or NOT_FOUND. */
export async function visibleOrganization(
  ctx: ServiceContext,
  id: string,
  em: EntityManager = ctx.em.fork(),
) {
  requireOrganizationVisible(ctx.actor, id);
  const organization = await em.findOne(Organization, id);
  if (!organization) throw new AppError('NOT_FOUND', 'Organization not found');
  return organization;
}

export async function listOrganizations(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.list'>,
): Promise<Page<OrganizationDto>> {
  const scope = organizationScope(ctx.actor);
  const sort = sortOf(input, 'name');
  const where = {
    ...(scope ? { id: scope } : {}),
    ...(input.search
      ? {
          $or: [
            { name: { $ilike: containsPattern(input.search) } },
            { slug: { $ilike: containsPattern(input.search) } },
          ],
        }
      : {}),
  };
  const [items, total] = await findPage(ctx.em.fork(), Organization, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  return { items: items.map(organizationDto), total, page: input.page, pageSize: input.pageSize };
}

export async function getOrganization(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.get'>,
) {
  return organizationDto(await visibleOrganization(ctx, input.id));
}

export async function createOrganization(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.create'>,
): Promise<OrganizationDto> {
  requireAdmin(ctx.actor);
  return withDbErrors(async () => {
    const organization = await provisionOrganization(ctx.em, input, undefined, async (tx, org) =>
      recordAudit(tx, ctx.actor, {
        action: 'organizations.create',
        organizationId: org.id,
        targetType: 'organization',
        targetId: org.id,
        changes: created({ name: org.name, slug: org.slug, tier: org.tier }),
      }),
    );
    return organizationDto(organization);
  });
}

export async function updateOrganization(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.update'>,
): Promise<OrganizationDto> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx.em.fork(), async (tx) => {
    const organization = await visibleOrganization(ctx, input.id, tx);
    requireVersion(organization.name, organization, input.version);
    const before = { name: organization.name, billingStatus: organization.billingStatus };
    if (input.name !== undefined) organization.name = input.name;
    if (input.billingStatus !== undefined) organization.billingStatus = input.billingStatus;
    const changes = diff(before, {
      name: organization.name,
      billingStatus: organization.billingStatus,
    });
    if (Object.keys(changes).length === 0) return organizationDto(organization);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'organizations.update',
      organizationId: organization.id,
      targetType: 'organization',
      targetId: organization.id,
      changes,
    });
    return organizationDto(organization);
  });
}

/**
 * Moves an organization to another tier with the limits recomputed from it.
 * The row is locked so that agent creates cannot slip past a new, lower limit.
 */
export async function changeTier(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.changeTier'>,
): Promise<OrganizationDto> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx.em.fork(), async (tx) => {
    requireOrganizationVisible(ctx.actor, input.id);
    const organization = await tx.findOne(Organization, input.id, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    if (!organization) throw new AppError('NOT_FOUND', 'Organization not found');
    requireVersion(organization.name, organization, input.version);
    const limits = tierLimits(input.tier);
    if (organization.agentCount > limits.agentLimit) {
      throw new AppError(
        'LIMIT_REACHED',
        `${organization.name} has ${organization.agentCount} agents; the ${input.tier} tier allows ${limits.agentLimit}. ` +
          `Delete ${organization.agentCount - limits.agentLimit} first.`,
        {
          tier: `allows ${limits.agentLimit} agents, the organization has ${organization.agentCount}`,
        },
      );
    }
    const stranded = await skillsAbove(tx, organization.id, input.tier);
    const needed = stranded[0];
    if (needed) {
      const list = stranded
        .map((s) => `${s.name} (needs ${s.tierRequired}, ${counted(s.agents, 'agent')})`)
        .join(', ');
      throw new AppError(
        'LIMIT_REACHED',
        `${organization.name}'s agents use skills the ${input.tier} tier does not include: ${list}. ` +
          `Keep the ${needed.tierRequired} tier or detach them first.`,
        { tier: `attached skills need the ${needed.tierRequired} tier` },
      );
    }
    const before = {
      tier: organization.tier,
      monthlyTokenLimit: organization.monthlyTokenLimit,
      agentLimit: organization.agentLimit,
      workflowLimit: organization.workflowLimit,
    };
    Object.assign(organization, { tier: input.tier, ...limits });
    const changes = diff(before, { tier: input.tier, ...limits });
    if (Object.keys(changes).length === 0) return organizationDto(organization);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'organizations.changeTier',
      organizationId: organization.id,
      targetType: 'organization',
      targetId: organization.id,
      changes,
    });
    return organizationDto(organization);
  });
}

export async function deleteOrganization(
  ctx: ServiceContext,
  input: ParsedInput<'organizations.delete'>,
): Promise<null> {
  requireAdmin(ctx.actor);
  const organization = await visibleOrganization(ctx, input.id);
  if (input.confirmSlug !== organization.slug) {
    throw new AppError(
      'VALIDATION',
      `Type the slug "${organization.slug}" to confirm the deletion`,
      {
        confirmSlug: `must be "${organization.slug}"`,
      },
    );
  }
  if (ctx.actor.kind === 'user' && ctx.actor.organizationId === organization.id) {
    throw new AppError('FORBIDDEN', 'You cannot delete the organization you belong to');
  }
  await withDbErrors(() =>
    deprovisionOrganization(ctx.em, organization.id, (tx) =>
      recordAudit(tx, ctx.actor, {
        action: 'organizations.delete',
        organizationId: null,
        targetType: 'organization',
        targetId: organization.id,
        changes: diff(
          { slug: organization.slug, name: organization.name },
          { slug: null, name: null },
        ),
      }),
    ),
  );
  return null;
}
