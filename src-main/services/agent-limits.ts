import { raw, type FilterObject } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  agentRoomRefusal,
  NEAR_AGENT_LIMIT,
  refusalError,
  type AgentLimitFilter,
} from '../../src-shared/domain/limits.ts';
import type { Organization } from '../db/entities/index.ts';

/*
 * An organization's agent count, kept on its row in the same transaction as
 * the tenant's agents (tenant writes hold that row locked), so the limit
 * holds under concurrent creates and lists never visit tenant schemas.
 */

/**
 * The count changes with agents, not with what an operator edits on the
 * organization, so it bypasses the row's optimistic-lock version.
 */
export async function adjustAgentCount(
  tx: EntityManager,
  organization: Organization,
  delta: number,
): Promise<void> {
  await tx.execute('update public.organizations set agent_count = agent_count + ? where id = ?', [
    delta,
    organization.id,
  ]);
}

/** The LIMIT_REACHED answer when `adding` more agents would pass the organization's limit. */
export function requireAgentRoom(organization: Organization, adding: number): void {
  const refusal = agentRoomRefusal(organization, adding);
  if (refusal) throw refusalError(refusal);
}

/*
 * How full an organization's agent limit is, in SQL: the Fleet overview
 * counts with it and the organizations list its figures open filters with
 * it, so that a figure and its list agree. A limit of 0 is never reached.
 */

/** The agent count from which an organization is as full as `filter` says, over its limit's column. */
const agentFloor = (filter: AgentLimitFilter, limit: string) =>
  filter === 'reached' ? limit : `ceil(${limit} * ${NEAR_AGENT_LIMIT})`;

/** As a condition on public.organizations' own columns (the overview's statements and bench B8's). */
export function agentLimitSql(filter: AgentLimitFilter): string {
  return `agent_limit > 0 and agent_count >= ${agentFloor(filter, 'agent_limit')}`;
}

/** As a filter of the Organization entity, for the query builder. */
export function agentLimitWhere(filter: AgentLimitFilter): FilterObject<Organization> {
  return {
    agentLimit: { $gt: 0 },
    agentCount: { $gte: raw((alias: string) => agentFloor(filter, `${alias}.agent_limit`)) },
  };
}
