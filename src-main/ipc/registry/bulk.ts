import type { EntityManager } from '@mikro-orm/postgresql';
import type { BulkOutcome, BulkResult } from '../../../src-shared/contract.ts';
import { isAppError } from '../../../src-shared/errors.ts';
import type { Work } from '../../services/work.ts';
import type { AuditTrail } from './audit-trail.ts';
import { loosely, type AnyRegistration, type Input } from './registration-shape.ts';

/**
 * A bulk channel: each id in a unit of work of its own (`inScope`), its
 * record found and decided on there (`recordFor`); a refusal is that row's
 * outcome, not the call's, and what the refused row reported is not kept.
 */
export async function runBulk(
  bulk: NonNullable<AnyRegistration['bulk']>,
  input: Input,
  inScope: <T>(work: (w: Work) => Promise<T>) => Promise<T>,
  recordFor: (em: EntityManager, id: string) => Promise<unknown>,
  trail: AuditTrail,
): Promise<BulkResult> {
  const results: (BulkOutcome & object)[] = [];
  for (const id of new Set(loosely(bulk.ids)(input) as unknown as string[])) {
    let label: string | null = null;
    try {
      const extra = await inScope(async (w) => {
        const record = await recordFor(w.em, id);
        label = loosely(bulk.label)(record) as unknown as string;
        return (await loosely(bulk.each)(w, input, record)) as object;
      });
      results.push({ id, label, outcome: 'done', error: null, ...extra });
    } catch (error) {
      if (!isAppError(error)) throw error;
      trail.forget();
      results.push({ id, label, outcome: 'refused', error: error.toShape(), ...bulk.whenRefused });
    }
  }
  const done = results.filter((r) => r.outcome === 'done').length;
  return { results, done, refused: results.length - done };
}
