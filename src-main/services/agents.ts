import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgentHistory, ParsedInput } from '../../src-shared/contract.ts';
import { agentConfigWithDefaults } from '../../src-shared/domain/agent-config.ts';
import {
  allowedAgentEvents,
  nextAgentStatus,
  type AgentEvent,
} from '../../src-shared/domain/agent-machine.ts';
import type { BillingStatus } from '../../src-shared/domain/enums.ts';
import type { AgentDto, Page } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Agent, AgentTransition, Organization } from '../db/entities/index.ts';
import { tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { tenantEm } from '../db/tenancy.ts';
import { created, diff, recordAudit } from './audit.ts';
import { actorId, actorLabel, type ServiceContext } from './context.ts';
import { withDbErrors } from './db-errors.ts';
import { inTransaction, requireVersion } from './transactions.ts';
import { agentDto, agentTransitionDto } from './dto-mapping.ts';
import { visibleOrganization } from './organizations.ts';
import { containsPattern, offsetOf, sortOf } from './paging.ts';
import { requireAgentWriter } from './policy.ts';

/** Events that put an agent to work; organizations that are not paying may not use them. */
const SERVING_EVENTS: ReadonlySet<AgentEvent> = new Set([
  'deploy',
  'activate',
  'resume',
  'redeploy',
]);
const NOT_SERVING: ReadonlySet<BillingStatus> = new Set(['suspended', 'canceled']);

async function tenantOf(ctx: ServiceContext, organizationId: string) {
  const organization = await visibleOrganization(ctx, organizationId);
  const schema = { schema: tenantSchemaName(organization.slug) };
  return { organization, em: tenantEm(ctx.em, organization.slug), schema };
}

/** A read in the organization's tenant schema; a damaged schema answers a clear error naming it. */
async function tenantRead<T>(
  ctx: ServiceContext,
  organizationId: string,
  work: (em: EntityManager, organization: Organization) => Promise<T>,
): Promise<T> {
  const { organization, em, schema } = await tenantOf(ctx, organizationId);
  return withDbErrors(() => work(em, organization), schema);
}

/** A write in the organization's tenant schema: the policy, then one transaction there. */
async function tenantWrite<T>(
  ctx: ServiceContext,
  organizationId: string,
  work: (tx: EntityManager, organization: Organization) => Promise<T>,
): Promise<T> {
  requireAgentWriter(ctx.actor, organizationId);
  const { organization, em, schema } = await tenantOf(ctx, organizationId);
  return inTransaction(em, (tx) => work(tx, organization), schema);
}

/** Locks the organization row for the transaction: agent creates and deletes queue up behind it. */
function lockOrganization(tx: EntityManager, id: string): Promise<Organization> {
  return tx.findOneOrFail(Organization, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/**
 * The count changes with agents, not with what an operator edits on the
 * organization, so it bypasses the row's optimistic-lock version.
 */
async function adjustAgentCount(
  tx: EntityManager,
  organizationId: string,
  delta: 1 | -1,
): Promise<void> {
  await tx.execute('update public.organizations set agent_count = agent_count + ? where id = ?', [
    delta,
    organizationId,
  ]);
}

async function findAgent(em: EntityManager, id: string, lock = false): Promise<Agent> {
  const agent = await em.findOne(Agent, id, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!agent) throw new AppError('NOT_FOUND', 'Agent not found');
  return agent;
}

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
    const [items, total] = await em.findAndCount(Agent, where, {
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
    if (locked.agentCount >= locked.agentLimit) {
      throw new AppError(
        'LIMIT_REACHED',
        `${locked.name} already has ${locked.agentCount} of ${locked.agentLimit} agents allowed on the ${locked.tier} tier; ` +
          'upgrade the tier or delete an agent first',
      );
    }
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
 * Moves an agent through its lifecycle. The shared machine decides; the row
 * is locked and its version checked, and the step is recorded in the tenant.
 */
export async function transitionAgent(
  ctx: ServiceContext,
  input: ParsedInput<'agents.transition'>,
): Promise<AgentDto> {
  return tenantWrite(ctx, input.organizationId, async (tx, organization) => {
    if (SERVING_EVENTS.has(input.event) && NOT_SERVING.has(organization.billingStatus)) {
      throw new AppError(
        'FORBIDDEN',
        `${organization.name} is ${organization.billingStatus}: its agents cannot ${input.event} until billing is active again`,
      );
    }
    const agent = await findAgent(tx, input.id, true);
    requireVersion(`Agent "${agent.name}"`, agent, input.version);
    const from = agent.status;
    const to = nextAgentStatus(from, input.event);
    if (!to) {
      const allowed = allowedAgentEvents(from);
      throw new AppError(
        'INVALID_TRANSITION',
        `An agent that is ${from} cannot ${input.event}; allowed: ${allowed.join(', ') || 'none'}`,
      );
    }
    agent.status = to;
    tx.create(AgentTransition, {
      agentId: agent.id,
      fromStatus: from,
      toStatus: to,
      event: input.event,
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
    return agentDto(agent, organization.id);
  });
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
    tx.remove(agent);
    await tx.flush();
    await adjustAgentCount(tx, locked.id, -1);
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
