import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgentSkillsView, AttachedSkillDto, ParsedInput } from '../../src-shared/contract.ts';
import { MAX_SKILLS_PER_AGENT } from '../../src-shared/domain/agent-document.ts';
import { effectivePrompt } from '../../src-shared/domain/effective-prompt.ts';
import { tierAllows } from '../../src-shared/domain/tiers.ts';
import { AppError } from '../../src-shared/errors.ts';
import { AgentSkill, Skill, type Agent, type Organization } from '../db/entities/index.ts';
import { recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { adjustSkillUsage } from './skill-usage.ts';
import { findAgent, lockOrganization, tenantRead, tenantWrite } from './tenant-access.ts';

/*
 * Catalog skills attached to agents: an ordered tenant-side link, gated by
 * the organization's tier. What an agent runs with is its own prompt
 * followed by its skills' enhancements, and the union of their tools.
 */

/** Refuses a skill the organization's tier does not include, naming the tier needed. */
export function requireTierFor(organization: Organization, skill: Skill): void {
  if (tierAllows(organization.tier, skill.tierRequired)) return;
  throw new AppError(
    'LIMIT_REACHED',
    `${skill.name} needs the ${skill.tierRequired} tier; ${organization.name} is on ${organization.tier}. ` +
      `Upgrade to ${skill.tierRequired} to use it.`,
    { skillId: `needs the ${skill.tierRequired} tier` },
  );
}

async function attachedSkills(em: EntityManager, agentId: string): Promise<AttachedSkillDto[]> {
  const links = await em.find(AgentSkill, { agentId }, { orderBy: { position: 'asc' } });
  if (links.length === 0) return [];
  const skills = new Map(
    (await em.find(Skill, { id: { $in: links.map((l) => l.skillId) } })).map((s) => [s.id, s]),
  );
  return links.flatMap((link, position) => {
    const skill = skills.get(link.skillId);
    if (!skill) return [];
    return [
      {
        skillId: skill.id,
        name: skill.name,
        slug: skill.slug,
        tierRequired: skill.tierRequired,
        systemPromptEnhancement: skill.systemPromptEnhancement,
        tools: [...skill.tools],
        position,
      },
    ];
  });
}

async function viewOf(em: EntityManager, agent: Agent): Promise<AgentSkillsView> {
  const skills = await attachedSkills(em, agent.id);
  return { agentId: agent.id, ...effectivePrompt(agent.systemPrompt, skills), skills };
}

export async function agentSkills(
  ctx: ServiceContext,
  input: ParsedInput<'agents.effectivePrompt'>,
): Promise<AgentSkillsView> {
  return tenantRead(ctx, input.organizationId, async (em) =>
    viewOf(em, await findAgent(em, input.id)),
  );
}

/** The catalog skill, share-locked so that it cannot be deleted until this transaction ends. */
async function lockedSkill(tx: EntityManager, id: string): Promise<Skill> {
  const skill = await tx.findOne(Skill, id, { lockMode: LockMode.PESSIMISTIC_READ });
  if (!skill) throw new AppError('NOT_FOUND', 'Skill not found', { skillId: 'no such skill' });
  return skill;
}

export async function attachSkill(
  ctx: ServiceContext,
  input: ParsedInput<'agents.attachSkill'>,
): Promise<AgentSkillsView> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const locked = await lockOrganization(tx, organization.id);
    const agent = await findAgent(tx, input.agentId);
    const skill = await lockedSkill(tx, input.skillId);
    requireTierFor(locked, skill);
    const links = await tx.find(AgentSkill, { agentId: agent.id });
    if (links.some((l) => l.skillId === skill.id)) {
      throw new AppError('CONFLICT', `${skill.name} is already attached to ${agent.name}`);
    }
    if (links.length >= MAX_SKILLS_PER_AGENT) {
      throw new AppError(
        'LIMIT_REACHED',
        `${agent.name} already has ${MAX_SKILLS_PER_AGENT} skills, the most an agent can have`,
      );
    }
    const position = Math.max(-1, ...links.map((l) => l.position)) + 1;
    tx.create(AgentSkill, { agentId: agent.id, skillId: skill.id, position });
    await tx.flush();
    await adjustSkillUsage(tx, locked.id, new Map([[skill.id, 1]]));
    await recordAudit(tx, ctx.actor, {
      action: 'agents.attachSkill',
      organizationId: locked.id,
      targetType: 'agent',
      targetId: agent.id,
      changes: { skill: { from: null, to: skill.slug } },
    });
    return viewOf(tx, agent);
  });
}

export async function detachSkill(
  ctx: ServiceContext,
  input: ParsedInput<'agents.detachSkill'>,
): Promise<AgentSkillsView> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const locked = await lockOrganization(tx, organization.id);
    const agent = await findAgent(tx, input.agentId);
    const removed = await tx.nativeDelete(AgentSkill, {
      agentId: agent.id,
      skillId: input.skillId,
    });
    if (removed === 0) {
      throw new AppError('NOT_FOUND', `That skill is not attached to ${agent.name}`, {
        skillId: 'not attached',
      });
    }
    await adjustSkillUsage(tx, locked.id, new Map([[input.skillId, -1]]));
    const skill = await tx.findOne(Skill, input.skillId);
    await recordAudit(tx, ctx.actor, {
      action: 'agents.detachSkill',
      organizationId: locked.id,
      targetType: 'agent',
      targetId: agent.id,
      changes: { skill: { from: skill?.slug ?? input.skillId, to: null } },
    });
    return viewOf(tx, agent);
  });
}

/** Puts the attached skills in the given order; the list must name each attached skill once. */
export async function reorderSkills(
  ctx: ServiceContext,
  input: ParsedInput<'agents.reorderSkills'>,
): Promise<AgentSkillsView> {
  return tenantWrite(ctx, input.organizationId, async (tx) => {
    const agent = await findAgent(tx, input.agentId, true);
    const links = await tx.find(AgentSkill, { agentId: agent.id });
    const attached = new Set(links.map((l) => l.skillId));
    const given = new Set(input.skillIds);
    const sameSet =
      given.size === input.skillIds.length &&
      given.size === attached.size &&
      [...given].every((id) => attached.has(id));
    if (!sameSet) {
      throw new AppError(
        'VALIDATION',
        `The new order must list each of the ${attached.size} attached skills exactly once`,
        { skillIds: 'must be the attached skills, each once' },
      );
    }
    const positions = new Map(input.skillIds.map((id, i) => [id, i]));
    for (const link of links) link.position = positions.get(link.skillId) ?? link.position;
    await tx.flush();
    return viewOf(tx, agent);
  });
}
