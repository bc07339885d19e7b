import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import type {
  AgentDto,
  AgentTransitionDto,
  MaintenanceDto,
  OrganizationDto,
  SkillDto,
  UserDto,
} from '../../src-shared/dto.ts';
import type { Agent, AgentTransition, Organization, Skill, User } from '../db/entities/index.ts';

const iso = (date: Date) => date.toISOString();

/** What an organization's DTO is made of: an entity, or a row read for a list (findRows). */
export type OrganizationRow = Pick<
  Organization,
  | 'id'
  | 'name'
  | 'slug'
  | 'tier'
  | 'billingStatus'
  | 'monthlyTokenLimit'
  | 'agentLimit'
  | 'workflowLimit'
  | 'agentCount'
  | 'maintenanceReason'
  | 'maintenanceSince'
  | 'maintenanceTicket'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/** `maintenance`: the organization's maintenance in force (db/maintenance.ts decides), if any. */
export function organizationDto(
  o: OrganizationRow,
  maintenance: MaintenanceDto | null = null,
): OrganizationDto {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    schema: tenantSchemaName(o.slug),
    tier: o.tier,
    billingStatus: o.billingStatus,
    monthlyTokenLimit: o.monthlyTokenLimit,
    agentLimit: o.agentLimit,
    workflowLimit: o.workflowLimit,
    agentCount: o.agentCount,
    maintenance,
    version: o.version,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

/** What a user's DTO is made of: an entity, or a row read for a list with its organization's id. */
export type UserRow = Pick<
  User,
  'id' | 'email' | 'name' | 'role' | 'confirmedAt' | 'version' | 'createdAt' | 'updatedAt'
> & { organization: { id: string } };

/** `lockedUntil`: the sign-in lock on the user's email, read by the callers that show it. */
export function userDto(u: UserRow, lockedUntil: Date | null = null): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? null,
    role: u.role,
    confirmedAt: u.confirmedAt ? iso(u.confirmedAt) : null,
    lockedUntil: lockedUntil ? iso(lockedUntil) : null,
    organizationId: u.organization.id,
    version: u.version,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

/** What a skill's DTO is made of: an entity, or a row read for a list (findRows). */
export type SkillRow = Pick<
  Skill,
  | 'id'
  | 'name'
  | 'slug'
  | 'description'
  | 'category'
  | 'tierRequired'
  | 'systemPromptEnhancement'
  | 'tools'
  | 'isOfficial'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

export function skillDto(s: SkillRow): SkillDto {
  return {
    id: s.id,
    name: s.name,
    slug: s.slug,
    description: s.description ?? null,
    category: s.category ?? null,
    tierRequired: s.tierRequired,
    systemPromptEnhancement: s.systemPromptEnhancement,
    tools: [...s.tools],
    isOfficial: s.isOfficial,
    version: s.version,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** What an agent's DTO is made of: an entity, or a row read for a list, whose bigint arrives as text. */
export type AgentRow = Pick<
  Agent,
  | 'id'
  | 'name'
  | 'description'
  | 'agentVersion'
  | 'status'
  | 'config'
  | 'systemPrompt'
  | 'maxConcurrentRequests'
  | 'timeoutSeconds'
  | 'totalExecutions'
  | 'avgLatencyMs'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
> & { totalTokensUsed: number | string };

export function agentDto(a: AgentRow, organizationId: string): AgentDto {
  return {
    id: a.id,
    organizationId,
    name: a.name,
    description: a.description ?? null,
    agentVersion: a.agentVersion,
    status: a.status,
    config: a.config,
    systemPrompt: a.systemPrompt,
    maxConcurrentRequests: a.maxConcurrentRequests,
    timeoutSeconds: a.timeoutSeconds,
    totalExecutions: a.totalExecutions,
    totalTokensUsed: Number(a.totalTokensUsed),
    avgLatencyMs: a.avgLatencyMs ?? null,
    version: a.version,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

export function agentTransitionDto(t: AgentTransition): AgentTransitionDto {
  return {
    id: t.id,
    agentId: t.agentId,
    from: t.fromStatus,
    to: t.toStatus,
    event: t.event,
    actorId: t.actorId ?? null,
    actorLabel: t.actorLabel,
    reason: t.reason ?? null,
    at: iso(t.at),
  };
}
