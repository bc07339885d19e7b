import {
  ConnectionException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { AppError } from '../../src-shared/errors.ts';

/** Constraint name -> the field it guards, for CONFLICT messages that name the field. */
const UNIQUE_FIELDS: Record<string, string> = {
  organizations_slug_unique: 'slug',
  users_email_unique: 'email',
  skills_slug_unique: 'slug',
};

function constraintOf(error: Error): string | undefined {
  const cause = error as Error & { constraint?: string; cause?: { constraint?: string } };
  return cause.constraint ?? cause.cause?.constraint;
}

/**
 * Turns the database failures that have a meaning for the operator into
 * AppErrors; anything else is rethrown for the router to report as INTERNAL.
 */
export function translateDbError(error: unknown): never {
  if (error instanceof AppError) throw error;
  if (error instanceof UniqueConstraintViolationException) {
    const field = UNIQUE_FIELDS[constraintOf(error) ?? ''] ?? 'value';
    throw new AppError('CONFLICT', `That ${field} is already taken`, {
      [field]: 'is already taken',
    });
  }
  if (error instanceof OptimisticLockError) {
    throw new AppError('CONFLICT', 'Someone else changed this record; reload it and try again');
  }
  if (error instanceof ConnectionException) {
    throw new AppError('UNAVAILABLE', 'The database is not reachable right now; try again');
  }
  throw error;
}

export async function withDbErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    translateDbError(error);
  }
}
