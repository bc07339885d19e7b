import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SYSTEM_ACTOR } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { SignInThrottle } from '../db/entities/index.ts';
import { recordAudit } from './audit.ts';

/*
 * Five failed attempts for one email within 15 minutes lock it for 15
 * minutes, for every console on the database. An attempt is counted as a
 * failure before its password is compared, in a short transaction on the
 * email's row (FOR UPDATE), and settled afterwards: a burst of concurrent
 * attempts finds the count already raised by those ahead of it, so at most
 * five passwords are ever compared per window.
 */

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

const MINUTE = 60_000;

function lockedError(until: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / MINUTE));
  return new AppError(
    'LOCKED',
    `Too many failed sign-ins for this email; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
  );
}

/** The email's row, created if new, locked for the caller's transaction. */
async function lockedRow(tx: EntityManager, email: string): Promise<SignInThrottle> {
  await tx.execute(
    'insert into public.sign_in_throttle (email) values (?) on conflict (email) do nothing',
    [email],
  );
  const row = await tx.findOneOrFail(
    SignInThrottle,
    { email },
    {
      lockMode: LockMode.PESSIMISTIC_WRITE,
      refresh: true,
    },
  );
  const now = Date.now();
  const lockOver = row.lockedUntil != null && row.lockedUntil.getTime() <= now;
  const windowOver = now - row.windowStartedAt.getTime() > FAILURE_WINDOW_MINUTES * MINUTE;
  if (lockOver || (row.lockedUntil == null && windowOver)) {
    row.failures = 0;
    row.lockedUntil = null;
    row.windowStartedAt = new Date(now);
  }
  return row;
}

/** The emails among `emails` locked out now, with when their lock ends. */
export async function locksOf(
  em: EntityManager,
  emails: readonly string[],
): Promise<Map<string, Date>> {
  if (emails.length === 0) return new Map();
  const rows = await em.execute<{ email: string; locked_until: Date }[]>(
    `select email::text as email, locked_until from public.sign_in_throttle
      where email in (${emails.map(() => '?').join(', ')}) and locked_until > now()`,
    [...emails],
  );
  return new Map(rows.map((r) => [r.email.toLowerCase(), new Date(r.locked_until)]));
}

/**
 * Ends the lock on an email and forgets its failures, in the caller's
 * transaction (the row is locked, so an attempt settling meanwhile waits).
 * Answers when the lock would have ended, or null when there was none.
 */
export async function unlockEmail(tx: EntityManager, email: string): Promise<Date | null> {
  const rows = await tx.execute<{ locked_until: Date | null }[]>(
    `update public.sign_in_throttle t
        set failures = 0, locked_until = null, window_started_at = now()
       from (select email, locked_until from public.sign_in_throttle where email = ? for update) old
      where t.email = old.email and old.locked_until > now()
      returning old.locked_until`,
    [email],
  );
  const until = rows[0]?.locked_until;
  return until ? new Date(until) : null;
}

/**
 * Counts an attempt before its password is compared; LOCKED when the email
 * is locked or when the attempts in flight already reach the limit.
 */
export async function startAttempt(root: EntityManager, email: string): Promise<void> {
  const refusal = await root.fork().transactional(async (tx) => {
    const row = await lockedRow(tx, email);
    if (row.lockedUntil) return lockedError(row.lockedUntil);
    if (row.failures >= MAX_FAILURES) {
      // five attempts are counted and not all settled: none more is compared until they are
      return new AppError(
        'LOCKED',
        'Too many sign-in attempts for this email at once; wait a moment and try again',
      );
    }
    row.failures += 1;
    return null;
  });
  if (refusal) throw refusal;
}

/**
 * Settles a counted attempt: a match takes it back and clears the window;
 * a failure stays counted, and the one that reaches the limit locks the
 * email (answered as the LOCKED error to throw).
 */
export async function settleAttempt(
  root: EntityManager,
  email: string,
  matched: boolean,
  organizationId: string | null,
): Promise<AppError | null> {
  return root.fork().transactional(async (tx) => {
    const row = await lockedRow(tx, email);
    if (matched) {
      if (!row.lockedUntil) row.failures = 0;
      return null;
    }
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'auth.signInFailed',
      organizationId,
      targetType: 'email',
      targetId: email,
    });
    if (row.failures < MAX_FAILURES || row.lockedUntil) return null;
    row.lockedUntil = new Date(Date.now() + LOCK_MINUTES * MINUTE);
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'auth.lockout',
      organizationId: null,
      targetType: 'email',
      targetId: email,
    });
    return lockedError(row.lockedUntil);
  });
}
