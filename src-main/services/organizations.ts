import type { OrganizationUsage, ParsedInput } from '../../src-shared/contract.ts';
import { scopeOf } from '../../src-shared/domain/permissions.ts';
import { tierLimits, tierName } from '../../src-shared/domain/tiers.ts';
import type { OrganizationDto, Page } from '../../src-shared/dto.ts';
import { refusalError, tierChangeRefusal } from '../../src-shared/domain/limits.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Organization } from '../db/entities/index.ts';
import { quotedTenantSchema } from '../db/identifiers.ts';
import { liveMaintenance, maintenanceOf } from '../db/maintenance.ts';
import { deprovisionOrganization, provisionOrganization, renameTenant } from '../db/tenancy.ts';
import { agentLimitWhere } from './agent-limits.ts';
import { created, diff, hasChanges } from './audit.ts';
import { organizationDto, type OrganizationRow } from './dto-mapping.ts';
import { containsPattern, findRows, offsetOf, sortOf } from './paging.ts';
import { skillsAbove } from './skill-usage.ts';
import { counted } from '../../src-shared/plural.ts';
import type { TenantWork, Work } from './work.ts';

export async function listOrganizations(
  w: Work,
  input: ParsedInput<'organizations.list'>,
): Promise<Page<OrganizationDto>> {
  const scope = scopeOf(w.actor, 'readOrganizations');
  const sort = sortOf(input, 'name');
  const where = {
    ...(scope ? { id: scope } : {}),
    ...(input.tier ? { tier: input.tier } : {}),
    ...(input.billingStatus ? { billingStatus: input.billingStatus } : {}),
    ...(input.agentLimit ? agentLimitWhere(input.agentLimit) : {}),
    ...(input.search
      ? {
          $or: [
            { name: { $ilike: containsPattern(input.search) } },
            { slug: { $ilike: containsPattern(input.search) } },
          ],
        }
      : {}),
  };
  const [items, total] = await findRows<Organization, OrganizationRow>(w.em, Organization, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  const maintenance = await liveMaintenance(w.em, items);
  return {
    items: items.map((item) => organizationDto(item, maintenance.get(item.id) ?? null)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  };
}

/** An organization as its screen shows it, with its maintenance in force. */
export async function getOrganization(
  w: Work,
  organization: Organization,
): Promise<OrganizationDto> {
  return organizationDto(organization, await maintenanceOf(w.em, organization));
}

/**
 * An administrator's maintenance: on, with a reason, until turned off.
 * An operation's maintenance is the operation's: it cannot be turned off
 * (it ends with the operation) nor replaced by hand meanwhile.
 */
export async function setMaintenance(
  w: Work,
  input: ParsedInput<'organizations.setMaintenance'>,
  organization: Organization,
): Promise<OrganizationDto> {
  const current = await maintenanceOf(w.em, organization);
  if (current?.byOperation) {
    throw new AppError(
      'MAINTENANCE',
      `${organization.name} is in maintenance while it is ${current.reason}; that ends by itself when the operation ends`,
    );
  }
  const reason = input.on ? (input.reason ?? null) : null;
  const changes = diff({ maintenance: current?.reason ?? null }, { maintenance: reason });
  if (!hasChanges(changes)) return organizationDto(organization, current);
  w.em.assign(organization, {
    maintenanceReason: reason,
    // an administrator's maintenance keeps its start when only its reason changes
    maintenanceSince: reason === null ? null : current ? organization.maintenanceSince : new Date(),
    maintenanceTicket: null,
  });
  await w.em.flush();
  w.audit({ targetId: organization.id, changes });
  return getOrganization(w, organization);
}

export async function createOrganization(
  w: Work,
  input: ParsedInput<'organizations.create'>,
): Promise<OrganizationDto> {
  const organization = await provisionOrganization(w.em, input);
  w.audit({
    targetId: organization.id,
    organizationId: organization.id,
    changes: created({ name: organization.name, slug: organization.slug, tier: organization.tier }),
  });
  return organizationDto(organization);
}

export async function updateOrganization(
  w: Work,
  input: ParsedInput<'organizations.update'>,
  organization: Organization,
): Promise<OrganizationDto> {
  const before = { name: organization.name, billingStatus: organization.billingStatus };
  const changes = diff(before, { name: input.name, billingStatus: input.billingStatus });
  if (!hasChanges(changes)) return organizationDto(organization);
  w.em.assign(organization, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.billingStatus !== undefined ? { billingStatus: input.billingStatus } : {}),
  });
  await w.em.flush();
  w.audit({ targetId: organization.id, changes });
  return organizationDto(organization);
}

/**
 * Moves an organization to another tier with the limits recomputed from it.
 * The row is locked (the registry loads it for the write), so agent creates
 * cannot slip past a new, lower limit.
 */
export async function changeTier(
  w: Work,
  input: ParsedInput<'organizations.changeTier'>,
  organization: Organization,
): Promise<OrganizationDto> {
  const limits = tierLimits(input.tier);
  const tooMany = tierChangeRefusal(organization, input.tier);
  if (tooMany) throw refusalError(tooMany, { tier: tooMany.reason });
  const stranded = await skillsAbove(w.em, organization.id, input.tier);
  const needed = stranded[0];
  if (needed) {
    const list = stranded
      .map((s) => `${s.name} (needs ${tierName(s.tierRequired)}, ${counted(s.agents, 'agent')})`)
      .join(', ');
    throw new AppError(
      'LIMIT_REACHED',
      `${organization.name}'s agents use ${stranded.length === 1 ? 'a skill' : 'skills'} the ${tierName(input.tier)} tier does not include: ${list}. ` +
        `Keep the ${tierName(needed.tierRequired)} tier or detach ${stranded.length === 1 ? 'it' : 'them'} first.`,
      { tier: `attached skills need the ${tierName(needed.tierRequired)} tier` },
    );
  }
  const before = {
    tier: organization.tier,
    monthlyTokenLimit: organization.monthlyTokenLimit,
    agentLimit: organization.agentLimit,
    workflowLimit: organization.workflowLimit,
  };
  const changes = diff(before, { tier: input.tier, ...limits });
  if (!hasChanges(changes)) return organizationDto(organization);
  w.em.assign(organization, { tier: input.tier, ...limits });
  await w.em.flush();
  w.audit({ targetId: organization.id, changes });
  return organizationDto(organization);
}

/**
 * A new slug for the organization and its schema, in one transaction (the
 * registry holds the tenant in maintenance around it, so no write meets a
 * schema half renamed).
 */
export async function renameSlug(
  w: Work,
  input: ParsedInput<'organizations.renameSlug'>,
  organization: Organization,
): Promise<OrganizationDto> {
  const before = { slug: organization.slug };
  if (input.slug === organization.slug) return organizationDto(organization);
  await renameTenant(w.em, organization, input.slug);
  w.audit({ targetId: organization.id, changes: diff(before, { slug: input.slug }) });
  return organizationDto(organization);
}

/** Drops the organization's schema, its users and its row, once the operator retyped the slug. */
export async function deleteOrganization(
  w: Work,
  input: ParsedInput<'organizations.delete'>,
  organization: Organization,
): Promise<null> {
  if (input.confirmSlug !== organization.slug) {
    throw new AppError(
      'VALIDATION',
      `Type the slug "${organization.slug}" to confirm the deletion`,
      { confirmSlug: `must be "${organization.slug}"` },
    );
  }
  await deprovisionOrganization(w.em, organization);
  // the organization's own audit view keeps its end; the event goes to administrators only (events.ts)
  w.audit({
    targetId: organization.id,
    organizationId: organization.id,
    changes: diff({ slug: organization.slug, name: organization.name }, { slug: null, name: null }),
  });
  return null;
}

const TOP_AGENTS = 12;

/** Tokens and executions over every agent of the organization, read in its schema. */
export async function organizationUsage(w: TenantWork): Promise<OrganizationUsage> {
  const { em, organization } = w;
  const agents = `${quotedTenantSchema(organization.slug)}.agents`;
  const [[totals], top] = await Promise.all([
    em.execute<{ agents: string; tokens: string; executions: string }[]>(
      `select count(*) as agents, coalesce(sum(total_tokens_used), 0) as tokens,
              coalesce(sum(total_executions), 0) as executions from ${agents}`,
    ),
    em.execute<{ id: string; name: string; tokens: string }[]>(
      `select id, name, total_tokens_used as tokens from ${agents}
        order by total_tokens_used desc, name limit ${TOP_AGENTS}`,
    ),
  ]);
  return {
    organizationId: organization.id,
    agents: Number(totals?.agents ?? 0),
    totalTokensUsed: Number(totals?.tokens ?? 0),
    totalExecutions: Number(totals?.executions ?? 0),
    topAgents: top.map((a) => ({ id: a.id, name: a.name, totalTokensUsed: Number(a.tokens) })),
  };
}
