import type { EntityManager } from '@mikro-orm/postgresql';
import { agentRoomRefusal, refusalError } from '../../src-shared/domain/limits.ts';
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
