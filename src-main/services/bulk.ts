import type { BulkOutcome, BulkResult } from '../../src-shared/contract.ts';
import { isAppError } from '../../src-shared/errors.ts';

/**
 * A bulk action: `one` runs for each distinct id in its own transaction, so
 * a refusal (wrong state, gone, not allowed) is reported for that row and
 * does not undo the others. `name` labels the row as soon as it is known.
 * Anything but an AppError is a fault, not a refusal, and ends the action.
 */
export async function runBulk<E extends object>(
  ids: readonly string[],
  one: (id: string, name: (label: string) => void) => Promise<E>,
  whenRefused: E,
): Promise<BulkResult<BulkOutcome & E>> {
  const results: (BulkOutcome & E)[] = [];
  for (const id of new Set(ids)) {
    let label: string | null = null;
    try {
      const extra = await one(id, (l) => (label = l));
      results.push({ id, label, outcome: 'done', error: null, ...extra });
    } catch (error) {
      if (!isAppError(error)) throw error;
      results.push({ id, label, outcome: 'refused', error: error.toShape(), ...whenRefused });
    }
  }
  const done = results.filter((r) => r.outcome === 'done').length;
  return { results, done, refused: results.length - done };
}
