import { createHash, randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Secret, TOTP } from 'otpauth';
import type {
  ParsedInput,
  SecondFactorEnrollment,
  SessionUser,
} from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { User } from '../db/entities/index.ts';
import { recordAudit } from '../services/audit.ts';
import { sessionUserOf } from '../services/users.ts';
import type { Work } from '../services/work.ts';
import { tryOwnSecret } from './own-password.ts';
import { secondFactorStanding } from './second-factor-standing.ts';
import { actorOf } from './signed-in.ts';

/*
 * Two-step sign-in (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps, one
 * step either side accepted). A code is taken once: accepting it raises the
 * user's last used step in the database, by an update that only a newer step
 * passes, so the same code is refused on every console afterwards. Every code
 * and recovery code tried counts in the sign-in throttle (tryOwnSecret) like
 * a password. Tables: public migration 17.
 */

const ISSUER = 'FleetPrompt';
const RECOVERY_CODES = 10;

const totpOf = (secret: string, label = '') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });

/** The signed-in caller, with organization (and password hash when `withHash`). */
async function callerUser(w: Work, withHash = false): Promise<User> {
  const id = w.caller.user?.id;
  if (!id) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  return w.em.findOneOrFail(User, id, {
    populate: withHash ? ['hashedPassword', 'organization'] : ['organization'],
  });
}

/** The user's secret: the confirmed one, or the one being set up. */
async function secretOf(em: EntityManager, userId: string, confirmed: boolean) {
  const [row] = await em.execute<{ secret: string }[]>(
    `select secret from public.second_factors
      where user_id = ? and (confirmed_at is not null) = ?`,
    [userId, confirmed],
  );
  return row?.secret ?? null;
}

/**
 * Whether `code` is the user's for now (a step either side), and not used
 * before: taking it raises last_used_step, which only one caller can do.
 */
async function takeCode(
  em: EntityManager,
  userId: string,
  secret: string,
  code: string,
  now: number,
): Promise<boolean> {
  const totp = totpOf(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = totp.counter({ timestamp: now }) + delta;
  const taken = await em.execute<{ user_id: string }[]>(
    `update public.second_factors set last_used_step = ?
      where user_id = ? and (last_used_step is null or last_used_step < ?)
      returning user_id`,
    [step, userId, step],
  );
  return taken.length === 1;
}

const hashOfRecoveryCode = (code: string) =>
  createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest();

/** Uses one of the user's recovery codes up; false when it is not theirs or was used. */
async function takeRecoveryCode(em: EntityManager, userId: string, code: string): Promise<boolean> {
  const used = await em.execute<{ user_id: string }[]>(
    `update public.recovery_codes set used_at = now()
      where user_id = ? and code_hash = ? and used_at is null
      returning user_id`,
    [userId, hashOfRecoveryCode(code)],
  );
  return used.length === 1;
}

/** A code or recovery code of the user's confirmed second factor, counted by the throttle. */
async function checkSecondFactor(
  w: Work,
  user: User,
  given: { code: string } | { recoveryCode: string },
  field: 'code' | 'recoveryCode',
): Promise<void> {
  const em = w.runtime.root.fork();
  const secret = await secretOf(em, user.id, true);
  const matched = await tryOwnSecret(w, user, async () =>
    'code' in given
      ? secret !== null && takeCode(em, user.id, secret, given.code, w.runtime.sessions.now())
      : takeRecoveryCode(em, user.id, given.recoveryCode),
  );
  if (!matched) {
    // said whole under the field, where a fragment ("is not correct…") reads as half a sentence
    const refusal =
      field === 'code'
        ? 'This code is not correct, or it was used already. Enter the newest code from your authenticator app.'
        : 'This recovery code is not correct, or it was used already. Each recovery code works once.';
    throw new AppError('VALIDATION', refusal, { [field]: refusal });
  }
}

const alreadySetUp = () =>
  new AppError(
    'CONFLICT',
    'Two-step sign-in is already set up; turn it off first to set it up again',
  );

/** auth.enrollSecondFactor: a new secret to set up, replacing one not confirmed yet. */
export async function enrollSecondFactor(w: Work): Promise<SecondFactorEnrollment> {
  const user = await callerUser(w);
  const secret = new Secret({ size: 20 }).base32;
  // a confirmed one is kept: the statement that would replace it answers nothing
  const stored = await w.em.execute<{ user_id: string }[]>(
    `insert into public.second_factors (user_id, secret) values (?, ?)
     on conflict (user_id) do update
       set secret = excluded.secret, last_used_step = null, created_at = now()
       where second_factors.confirmed_at is null
     returning user_id`,
    [user.id, secret],
  );
  if (stored.length === 0) throw alreadySetUp();
  return { secret, otpauthUrl: totpOf(secret, user.email).toString() };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten recovery codes, as shown once ("abcd-efgh-ijkl"): 60 random bits each. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const code = Array.from({ length: 12 }, () => BASE32[randomInt(32)]).join('');
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  });
}

/**
 * auth.confirmSecondFactor: the first code from the app proves it was set
 * up; the recovery codes are answered once and kept only as hashes.
 */
export async function confirmSecondFactor(
  w: Work,
  input: ParsedInput<'auth.confirmSecondFactor'>,
): Promise<{ recoveryCodes: string[] }> {
  const user = await callerUser(w);
  const secret = await secretOf(w.em, user.id, false);
  if (!secret) {
    throw new AppError(
      'CONFLICT',
      'Nothing is being set up; start setting up two-step sign-in again',
    );
  }
  const matched = await tryOwnSecret(w, user, () =>
    takeCode(w.em, user.id, secret, input.code, w.runtime.sessions.now()),
  );
  if (!matched) {
    const refusal = 'This code is not correct. Enter the one your authenticator app shows now.';
    throw new AppError('VALIDATION', refusal, { code: refusal });
  }
  // another window confirmed it first: its recovery codes stay the ones shown
  const confirmed = await w.em.execute<{ user_id: string }[]>(
    `update public.second_factors set confirmed_at = now()
      where user_id = ? and confirmed_at is null returning user_id`,
    [user.id],
  );
  if (confirmed.length === 0) throw alreadySetUp();
  const recoveryCodes = newRecoveryCodes();
  await w.em.execute('delete from public.recovery_codes where user_id = ?', [user.id]);
  await w.em.execute(
    `insert into public.recovery_codes (user_id, code_hash)
     values ${recoveryCodes.map(() => '(?, ?)').join(', ')}`,
    recoveryCodes.flatMap((code) => [user.id, hashOfRecoveryCode(code)]),
  );
  w.audit({
    targetId: user.id,
    organizationId: user.organization.id,
    changes: { secondFactor: { from: false, to: true } },
  });
  return { recoveryCodes };
}

/**
 * auth.verifySecondFactor: the code (or a recovery code) that finishes a
 * sign-in; the session is then signed in, its password counting as just
 * entered. A session already signed in has nothing to verify.
 */
export async function verifySecondFactor(
  w: Work,
  input: ParsedInput<'auth.verifySecondFactor'>,
): Promise<SessionUser> {
  const session = w.caller.session;
  const signedIn = w.caller.user;
  if (!session || !signedIn) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  if (!session.pendingSecondFactor) return signedIn;
  const user = await callerUser(w);
  await checkSecondFactor(w, user, input, 'code' in input ? 'code' : 'recoveryCode');
  const em = w.runtime.root.fork();
  await w.runtime.sessions.secondFactorVerified(em, session.id);
  await recordAudit(em, actorOf(user), {
    action: 'auth.verifySecondFactor',
    organizationId: user.organization.id,
    targetType: 'user',
    targetId: user.id,
    ...('recoveryCode' in input
      ? { changes: { recoveryCode: { from: 'unused', to: 'used' } } }
      : {}),
  });
  return sessionUserOf(user, await secondFactorStanding(em, user));
}

/** Step-up: the code of the user's second factor, with the password. */
export async function checkOwnCode(w: Work, user: User, code: string): Promise<void> {
  await checkSecondFactor(w, user, { code }, 'code');
}

/** Whether the user has a second factor set up (before the password is checked at step-up). */
export async function hasSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
  return (await secretOf(em, userId, true)) !== null;
}

async function removeSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
  const removed = await em.execute<{ confirmed: boolean }[]>(
    `delete from public.second_factors where user_id = ?
     returning confirmed_at is not null as confirmed`,
    [userId],
  );
  await em.execute('delete from public.recovery_codes where user_id = ?', [userId]);
  return removed[0]?.confirmed === true;
}

/** auth.disableSecondFactor (after step-up): the caller's own, with its recovery codes. */
export async function disableSecondFactor(w: Work): Promise<null> {
  const user = await callerUser(w);
  if (await removeSecondFactor(w.em, user.id)) {
    w.audit({
      targetId: user.id,
      organizationId: user.organization.id,
      changes: { secondFactor: { from: true, to: false } },
    });
  }
  return null;
}

/**
 * users.resetSecondFactor: an administrator removes someone's second factor
 * (a lost phone); they set it up again. Their sessions end, since whoever
 * has the phone may hold one. One's own is turned off with step-up instead.
 */
export async function resetSecondFactor(w: Work, user: User): Promise<null> {
  if (w.actor.kind === 'user' && w.actor.id === user.id) {
    throw new AppError(
      'FORBIDDEN',
      'Turn your own two-step sign-in off under Account, with your password and a code',
    );
  }
  const had = await removeSecondFactor(w.em, user.id);
  await w.runtime.sessions.endAllOf(
    w.em,
    user.id,
    'An administrator reset your two-step sign-in; sign in again',
  );
  w.audit({ targetId: user.id, changes: { secondFactor: { from: had, to: false } } });
  return null;
}
