import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import type {
  AgentDto,
  AgentTransitionDto,
  OrganizationDto,
  SkillDto,
  UserDto,
} from '../../src-shared/dto.ts';
import type { Agent, AgentTransition, Organization, Skill, User } from '../db/entities/index.ts';

const iso = (date: Date) => date.toISOString();

export function organizationDto(o: Organization): OrganizationDto {
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
    version: o.version,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

export function userDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? null,
    role: u.role,
    confirmedAt: u.confirmedAt ? iso(u.confirmedAt) : null,
    organizationId: u.organization.id,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

export function skillDto(s: Skill): SkillDto {
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
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function agentDto(a: Agent, organizationId: string): AgentDto {
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
    at: iso(t.at),
  };
}
