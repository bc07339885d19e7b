import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../src-shared/errors.ts';
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
  if (organization.agentCount + adding <= organization.agentLimit) return;
  const room = Math.max(0, organization.agentLimit - organization.agentCount);
  const wanted = adding === 1 ? '' : ` (${adding} wanted, room for ${room})`;
  throw new AppError(
    'LIMIT_REACHED',
    `${organization.name} already has ${organization.agentCount} of ${organization.agentLimit} agents allowed on the ${organization.tier} tier${wanted}; ` +
      'upgrade the tier or delete an agent first',
  );
}
