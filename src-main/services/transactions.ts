import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../src-shared/errors.ts';
import { withDbErrors, type ErrorContext } from './db-errors.ts';

/** A write: one transaction on `em`, with database failures translated into AppErrors. */
export function inTransaction<T>(
  em: EntityManager,
  work: (tx: EntityManager) => Promise<T>,
  context: ErrorContext = {},
): Promise<T> {
  return withDbErrors(() => em.transactional(work), context);
}

/** Optimistic locking: a write based on an older version of a record is refused. */
export function requireVersion(what: string, record: { version: number }, given: number): void {
  if (record.version !== given) {
    throw new AppError(
      'CONFLICT',
      `${what} was changed by someone else (version ${record.version}, yours ${given}); reload and try again`,
    );
  }
}
