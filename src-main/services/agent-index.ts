import type { EntityManager } from '@mikro-orm/postgresql';
import type { Agent } from '../db/entities/index.ts';

/*
 * public.agent_index: each agent's name and status, kept in the tenant
 * write's own transaction (the registry holds the organization's row), so
 * that fleet-wide answers read public alone and are exact.
 */

/** The agent as it now is: inserted, or its name and status brought up to date. */
export async function indexAgent(
  tx: EntityManager,
  organizationId: string,
  agent: Agent,
): Promise<void> {
  await tx.execute(
    `insert into public.agent_index (agent_id, organization_id, name, status)
     values (?, ?, ?, ?)
     on conflict (agent_id) do update set name = excluded.name, status = excluded.status,
       status_since = case when agent_index.status = excluded.status
                           then agent_index.status_since else now() end`,
    [agent.id, organizationId, agent.name, agent.status],
  );
}

export async function unindexAgent(tx: EntityManager, agentId: string): Promise<void> {
  await tx.execute('delete from public.agent_index where agent_id = ?', [agentId]);
}
