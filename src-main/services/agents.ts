import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  AgentHistory,
  BulkOutcome,
  BulkResult,
  ParsedInput,
} from '../../src-shared/contract.ts';
import { agentConfigWithDefaults } from '../../src-shared/domain/agent-config.ts';
import {
  allowedAgentEvents,
  nextAgentStatus,
  type AgentEvent,
} from '../../src-shared/domain/agent-machine.ts';
import type { BillingStatus } from '../../src-shared/domain/enums.ts';
import type { AgentDto, Page } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Agent, AgentSkill, AgentTransition, type Organization } from '../db/entities/index.ts';
import { created, diff, recordAudit } from './audit.ts';
import { actorId, actorLabel, type ServiceContext } from './context.ts';
import { requireVersion } from './transactions.ts';
import { agentDto, agentTransitionDto } from './dto-mapping.ts';
import { containsPattern, findPage, offsetOf, sortOf } from './paging.ts';
import { adjustSkillUsage } from './skill-usage.ts';
import { runBulk } from './bulk.ts';
import {
  adjustAgentCount,
  findAgent,
  lockOrganization,
  requireAgentRoom,
  tenantRead,
  tenantWrite,
  tenantWriter,
} from './tenant-access.ts';

/** Events that put an agent to work; organizations that are not paying may not use them. */
const SERVING_EVENTS: ReadonlySet<AgentEvent> = new Set([
  'deploy',
  'activate',
  'resume',
  'redeploy',
]);
const NOT_SERVING: ReadonlySet<BillingStatus> = new Set(['suspended', 'canceled']);

export async function listAgents(
  ctx: ServiceContext,
  input: ParsedInput<'agents.list'>,
): Promise<Page<AgentDto>> {
  const sort = sortOf(input, 'name');
  const where = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.search ? { name: { $ilike: containsPattern(input.search) } } : {}),
  };
  return tenantRead(ctx, input.organizationId, async (em, organization) => {
    const [items, total] = await findPage(em, Agent, where, {
      orderBy: { [sort.field]: sort.direction, id: 'asc' },
      limit: input.pageSize,
      offset: offsetOf(input),
    });
    return {
      items: items.map((a) => agentDto(a, organization.id)),
      total,
      page: input.page,
      pageSize: input.pageSize,
    };
  });
}

export async function getAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.get'>,
): Promise<AgentDto> {
  return tenantRead(ctx, input.organizationId, async (em, organization) =>
    agentDto(await findAgent(em, input.id), organization.id),
  );
}

/**
 * Creates an agent within the organization's agent limit. The organization
 * row is locked for the transaction, so concurrent creates queue up and the
 * count they check (kept on the row) is exact.
 */
export async function createAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.create'>,
): Promise<AgentDto> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const locked = await lockOrganization(tx, organization.id);
    requireAgentRoom(locked, 1);
    const agent = tx.create(Agent, {
      name: input.name,
      description: input.description ?? null,
      systemPrompt: input.systemPrompt,
      config: agentConfigWithDefaults(input.config),
    });
    await tx.flush();
    await adjustAgentCount(tx, locked.id, +1);
    await recordAudit(tx, ctx.actor, {
      action: 'agents.create',
      organizationId: locked.id,
      targetType: 'agent',
      targetId: agent.id,
      changes: created({ name: agent.name, status: agent.status }),
    });
    return agentDto(agent, locked.id);
  });
}

export async function updateAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.update'>,
): Promise<AgentDto> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const agent = await findAgent(tx, input.id);
    requireVersion(`Agent "${agent.name}"`, agent, input.version);
    const fields = [
      'name',
      'description',
      'systemPrompt',
      'config',
      'maxConcurrentRequests',
      'timeoutSeconds',
    ] as const;
    const before = Object.fromEntries(fields.map((f) => [f, agent[f] ?? null]));
    const after = Object.fromEntries(fields.map((f) => [f, input[f]]));
    const changes = diff(before, after);
    if (Object.keys(changes).length === 0) return agentDto(agent, organization.id);
    tx.assign(agent, Object.fromEntries(Object.entries(after).filter(([, v]) => v !== undefined)));
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'agents.update',
      organizationId: organization.id,
      targetType: 'agent',
      targetId: agent.id,
      changes,
    });
    return agentDto(agent, organization.id);
  });
}

/**
 * One lifecycle step of a locked agent: the shared machine decides, and the
 * step is recorded in the tenant and in the audit trail.
 */
async function applyTransition(
  ctx: ServiceContext,
  tx: EntityManager,
  organization: Organization,
  agent: Agent,
  event: AgentEvent,
): Promise<void> {
  if (SERVING_EVENTS.has(event) && NOT_SERVING.has(organization.billingStatus)) {
    throw new AppError(
      'FORBIDDEN',
      `${organization.name} is ${organization.billingStatus}: its agents cannot ${event} until billing is active again`,
    );
  }
  const from = agent.status;
  const to = nextAgentStatus(from, event);
  if (!to) {
    const allowed = allowedAgentEvents(from);
    throw new AppError(
      'INVALID_TRANSITION',
      `An agent that is ${from} cannot ${event}; allowed: ${allowed.join(', ') || 'none'}`,
    );
  }
  agent.status = to;
  tx.create(AgentTransition, {
    agentId: agent.id,
    fromStatus: from,
    toStatus: to,
    event,
    actorId: actorId(ctx.actor),
    actorLabel: actorLabel(ctx.actor),
  });
  await tx.flush();
  await recordAudit(tx, ctx.actor, {
    action: 'agents.transition',
    organizationId: organization.id,
    targetType: 'agent',
    targetId: agent.id,
    changes: diff({ status: from }, { status: to }),
  });
}

/** Moves an agent through its lifecycle; the row is locked and its version checked. */
export async function transitionAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.transition'>,
): Promise<AgentDto> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const agent = await findAgent(tx, input.id, true);
    requireVersion(`Agent "${agent.name}"`, agent, input.version);
    await applyTransition(ctx, tx, organization, agent, input.event);
    return agentDto(agent, organization.id);
  });
}

/**
 * One event applied to many agents. The operator chose the rows as they saw
 * them: no version check, the row lock suffices.
 */
export async function transitionMany(
  ctx: ServiceContext,
  input: ParsedInput<'agents.transitionMany'>,
): Promise<BulkResult<BulkOutcome & { status: AgentDto['status'] | null }>> {
  const write = await tenantWriter(ctx, input.organizationId);
  return runBulk<{ status: AgentDto['status'] | null }>(
    input.ids,
    (id, name) =>
      write(async (tx, organization) => {
        const agent = await findAgent(tx, id, true);
        name(agent.name);
        await applyTransition(ctx, tx, organization, agent, input.event);
        return { status: agent.status };
      }),
    { status: null },
  );
}

export async function agentHistory(
  ctx: ServiceContext,
  input: ParsedInput<'agents.history'>,
): Promise<AgentHistory> {
  return tenantRead(ctx, input.organizationId, async (em) => {
    const agent = await findAgent(em, input.id);
    const transitions = await em.find(
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
  });
}

export async function deleteAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.delete'>,
): Promise<null> {
  await tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    const locked = await lockOrganization(tx, organization.id);
    const agent = await findAgent(tx, input.id);
    const links = await tx.find(AgentSkill, { agentId: agent.id });
    tx.remove(agent);
    await tx.flush();
    await adjustAgentCount(tx, locked.id, -1);
    await adjustSkillUsage(tx, locked.id, new Map(links.map((l) => [l.skillId, -1])));
    await recordAudit(tx, ctx.actor, {
      action: 'agents.delete',
      organizationId: organization.id,
      targetType: 'agent',
      targetId: input.id,
      changes: diff({ name: agent.name }, { name: null }),
    });
  });
  return null;
}
