import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgentSkillsView, AttachedSkillDto, ParsedInput } from '../../src-shared/contract.ts';
import { MAX_SKILLS_PER_AGENT } from '../../src-shared/domain/agent-document.ts';
import { effectivePrompt } from '../../src-shared/domain/effective-prompt.ts';
import { refusalError, skillTierRefusal } from '../../src-shared/domain/limits.ts';
import { tierName } from '../../src-shared/domain/tiers.ts';
import { AppError } from '../../src-shared/errors.ts';
import { counted } from '../../src-shared/plural.ts';
import { AgentSkill, Skill, type Agent, type Organization } from '../db/entities/index.ts';
import { adjustSkillUsage } from './skill-usage.ts';
import type { TenantWork } from './work.ts';

/*
 * Catalog skills attached to agents: an ordered tenant-side link, gated by
 * the organization's tier. What an agent runs with is its own prompt
 * followed by its skills' enhancements, and the union of their tools.
 */

/** Refuses a skill the organization's tier does not include, naming the tier needed. */
export function requireTierFor(organization: Organization, skill: Skill): void {
  const refusal = skillTierRefusal(organization, skill);
  if (refusal)
    throw refusalError(refusal, { skillId: `needs the ${tierName(skill.tierRequired)} tier` });
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

export function agentSkills(w: TenantWork, agent: Agent): Promise<AgentSkillsView> {
  return viewOf(w.em, agent);
}

/** The catalog skill, share-locked so that it cannot be deleted until this transaction ends. */
async function lockedSkill(tx: EntityManager, id: string): Promise<Skill> {
  const skill = await tx.findOne(Skill, id, { lockMode: LockMode.PESSIMISTIC_READ });
  if (!skill) throw new AppError('NOT_FOUND', 'Skill not found', { skillId: 'no such skill' });
  return skill;
}

export async function attachSkill(
  w: TenantWork,
  input: ParsedInput<'agents.attachSkill'>,
  agent: Agent,
): Promise<AgentSkillsView> {
  const { em, organization } = w;
  const skill = await lockedSkill(em, input.skillId);
  requireTierFor(organization, skill);
  const links = await em.find(AgentSkill, { agentId: agent.id });
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
  em.create(AgentSkill, { agentId: agent.id, skillId: skill.id, position });
  await em.flush();
  await adjustSkillUsage(em, organization.id, new Map([[skill.id, 1]]));
  w.audit({ targetId: agent.id, changes: { skill: { from: null, to: skill.slug } } });
  return viewOf(em, agent);
}

export async function detachSkill(
  w: TenantWork,
  input: ParsedInput<'agents.detachSkill'>,
  agent: Agent,
): Promise<AgentSkillsView> {
  const { em, organization } = w;
  const removed = await em.nativeDelete(AgentSkill, { agentId: agent.id, skillId: input.skillId });
  if (removed === 0) {
    throw new AppError('NOT_FOUND', `That skill is not attached to ${agent.name}`, {
      skillId: 'not attached',
    });
  }
  await adjustSkillUsage(em, organization.id, new Map([[input.skillId, -1]]));
  const skill = await em.findOne(Skill, input.skillId);
  w.audit({
    targetId: agent.id,
    changes: { skill: { from: skill?.slug ?? input.skillId, to: null } },
  });
  return viewOf(em, agent);
}

/** Puts the attached skills in the given order; the list must name each attached skill once. */
export async function reorderSkills(
  w: TenantWork,
  input: ParsedInput<'agents.reorderSkills'>,
  agent: Agent,
): Promise<AgentSkillsView> {
  const links = await w.em.find(AgentSkill, { agentId: agent.id });
  const attached = new Set(links.map((l) => l.skillId));
  const given = new Set(input.skillIds);
  const sameSet =
    given.size === input.skillIds.length &&
    given.size === attached.size &&
    [...given].every((id) => attached.has(id));
  if (!sameSet) {
    throw new AppError(
      'VALIDATION',
      `The new order must list each of the ${counted(attached.size, 'attached skill')} exactly once`,
      { skillIds: 'must be the attached skills, each once' },
    );
  }
  const positions = new Map(input.skillIds.map((id, i) => [id, i]));
  for (const link of links) link.position = positions.get(link.skillId) ?? link.position;
  await w.em.flush();
  return viewOf(w.em, agent);
}
