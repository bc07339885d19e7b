import type { AgentHistory, ModelInUse, ParsedInput } from '../../src-shared/contract.ts';
import {
  agentConfigWithDefaults,
  MODELS_IN_USE_LISTED,
} from '../../src-shared/domain/agent-config.ts';
import {
  allowedAgentEvents,
  type AgentEvent,
  type AgentStatus,
} from '../../src-shared/domain/agent-machine.ts';
import { decideTransition, refusalError } from '../../src-shared/domain/limits.ts';
import type { AgentDto, Page } from '../../src-shared/dto.ts';
import { Agent, AgentSkill, AgentTransition } from '../db/entities/index.ts';
import { quotedTenantSchema } from '../db/identifiers.ts';
import { created, diff, hasChanges } from './audit.ts';
import { agentDto, agentTransitionDto, type AgentRow } from './dto-mapping.ts';
import { containsPattern, findRows, offsetOf, sortOf } from './paging.ts';
import { adjustSkillUsage } from './skill-usage.ts';
import { indexAgent, unindexAgent } from './agent-index.ts';
import { adjustAgentCount, requireAgentRoom } from './agent-limits.ts';
import { actorId, actorLabel } from './actors.ts';
import type { TenantWork } from './work.ts';

export async function listAgents(
  w: TenantWork,
  input: ParsedInput<'agents.list'>,
): Promise<Page<AgentDto>> {
  const sort = sortOf(input, 'name');
  const where = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.search ? { name: { $ilike: containsPattern(input.search) } } : {}),
  };
  const [items, total] = await findRows<Agent, AgentRow>(w.em, Agent, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  return {
    items: items.map((a) => agentDto(a, w.organization.id)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  };
}

/**
 * The models the organization's agents use, most used first, for the agent
 * form to offer. One grouped scan of the tenant's agents (docs/scaling.md
 * says what it costs at 10,000); the name breaks ties so the order is stable.
 */
export async function modelsInUse(w: TenantWork): Promise<{ models: ModelInUse[] }> {
  const rows = await w.em.execute<{ model: string; agents: number }[]>(
    `select config->>'model' as model, count(*)::int as agents
       from ${quotedTenantSchema(w.organization.slug)}.agents
      where config->>'model' is not null
      group by 1
      order by 2 desc, 1
      limit ${MODELS_IN_USE_LISTED}`,
  );
  return { models: rows.map((r) => ({ model: r.model, agents: r.agents })) };
}

/**
 * Creates an agent within the organization's agent limit. The organization
 * row is locked for every tenant write, so concurrent creates queue up and
 * the count they check (kept on the row) is exact.
 */
export async function createAgent(
  w: TenantWork,
  input: ParsedInput<'agents.create'>,
): Promise<AgentDto> {
  const { organization } = w;
  requireAgentRoom(organization, 1);
  const agent = w.em.create(Agent, {
    name: input.name,
    description: input.description ?? null,
    systemPrompt: input.systemPrompt,
    config: agentConfigWithDefaults(input.config),
  });
  await w.em.flush();
  await adjustAgentCount(w.em, organization, +1);
  await indexAgent(w.em, organization.id, agent);
  w.audit({ targetId: agent.id, changes: created({ name: agent.name, status: agent.status }) });
  return agentDto(agent, organization.id);
}

const EDITABLE = [
  'name',
  'description',
  'systemPrompt',
  'config',
  'maxConcurrentRequests',
  'timeoutSeconds',
] as const;

export async function updateAgent(
  w: TenantWork,
  input: ParsedInput<'agents.update'>,
  agent: Agent,
): Promise<AgentDto> {
  const before = Object.fromEntries(EDITABLE.map((f) => [f, agent[f] ?? null]));
  const after = Object.fromEntries(EDITABLE.map((f) => [f, input[f]]));
  const changes = diff(before, after);
  if (!hasChanges(changes)) return agentDto(agent, w.organization.id);
  w.em.assign(agent, Object.fromEntries(Object.entries(after).filter(([, v]) => v !== undefined)));
  await w.em.flush();
  if (changes.name) await indexAgent(w.em, w.organization.id, agent);
  w.audit({ targetId: agent.id, changes });
  return agentDto(agent, w.organization.id);
}

/**
 * One lifecycle step of a locked agent: the shared machine decides, and the
 * step is recorded in the tenant.
 */
async function applyTransition(
  w: TenantWork,
  agent: Agent,
  event: AgentEvent,
  reason: string | undefined,
): Promise<void> {
  const { organization } = w;
  const from = agent.status;
  const decision = decideTransition(organization, from, event);
  if (decision.refusal) throw refusalError(decision.refusal);
  const to = decision.to;
  agent.status = to;
  w.em.create(AgentTransition, {
    agentId: agent.id,
    fromStatus: from,
    toStatus: to,
    event,
    actorId: actorId(w.actor),
    actorLabel: actorLabel(w.actor),
    reason: reason ?? null,
  });
  await w.em.flush();
  await indexAgent(w.em, organization.id, agent);
  // the reason is part of the step: an audit reader sees why as well as what
  w.audit({
    targetId: agent.id,
    changes: diff({ status: from, reason: null }, { status: to, reason }),
  });
}

/** Moves an agent through its lifecycle (the registry locked it and checked its version). */
export async function transitionAgent(
  w: TenantWork,
  input: ParsedInput<'agents.transition'>,
  agent: Agent,
): Promise<AgentDto> {
  await applyTransition(w, agent, input.event, input.reason);
  return agentDto(agent, w.organization.id);
}

/**
 * One row of a bulk transition. The operator chose the rows as they saw
 * them: no version check, the row lock suffices.
 */
export async function transitionOne(
  w: TenantWork,
  input: ParsedInput<'agents.transitionMany'>,
  agent: Agent,
): Promise<{ status: AgentStatus | null }> {
  await applyTransition(w, agent, input.event, input.reason);
  return { status: agent.status };
}

export async function agentHistory(w: TenantWork, agent: Agent): Promise<AgentHistory> {
  const transitions = await w.em.find(
    AgentTransition,
    { agentId: agent.id },
    { orderBy: { at: 'asc', id: 'asc' } },
  );
  return {
    agentId: agent.id,
    status: agent.status,
    allowedEvents: allowedAgentEvents(agent.status),
    transitions: transitions.map(agentTransitionDto),
  };
}

export async function deleteAgent(w: TenantWork, agent: Agent): Promise<null> {
  const { organization } = w;
  const links = await w.em.find(AgentSkill, { agentId: agent.id });
  w.em.remove(agent);
  await w.em.flush();
  await adjustAgentCount(w.em, organization, -1);
  await unindexAgent(w.em, agent.id);
  await adjustSkillUsage(w.em, organization.id, new Map(links.map((l) => [l.skillId, -1])));
  w.audit({ targetId: agent.id, changes: diff({ name: agent.name }, { name: null }) });
  return null;
}
