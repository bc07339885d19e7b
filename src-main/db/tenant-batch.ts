import type { EntityManager } from '@mikro-orm/postgresql';
import { quoteLiteral } from './identifiers.ts';

/**
 * Work on whole tenants (a migration, a rollback, a repair) as one
 * transaction over a batch of them, in slug order: their organization rows
 * locked in that order (two batches never wait on each other in a circle,
 * and an organization's own writes wait for the batch), then `statements`,
 * sent as one batch. Every such operation passes through here, so what
 * must hold around a tenant's structural work holds for all of them.
 *
 * The commit does not wait for the WAL flush (synchronous_commit off, for
 * this transaction only): the schema changes, their ledger rows and the
 * levels commit together or not at all, so a crash can only lose whole
 * tenants' work, which is then still to do (faults.test.ts kills the
 * server mid-fan-out).
 */
export async function inTenantBatch(
  em: EntityManager,
  slugs: readonly string[],
  statements: readonly string[],
): Promise<void> {
  const batch = [
    'set local synchronous_commit = off',
    `select 1 from public.organizations ${slugsWhere(slugs)} order by slug for update`,
    ...statements,
  ];
  await em.transactional((tx) => tx.execute(batch.join(';\n')), { clear: true });
}

/** `where slug in (…)` for a batch's organizations. */
export function slugsWhere(slugs: readonly string[]): string {
  return `where slug in (${slugs.map(quoteLiteral).join(', ')})`;
}
