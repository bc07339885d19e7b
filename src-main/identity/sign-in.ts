import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParsedInput, SessionUser } from '../../src-shared/contract.ts';
import { canSignIn } from '../../src-shared/domain/billing.ts';
import { passwordByteLength, PASSWORD_MAX_BYTES } from '../../src-shared/domain/password.ts';
import { SYSTEM_ACTOR } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { User } from '../db/entities/index.ts';
import { provisionOrganization } from '../db/tenancy.ts';
import { created, recordAudit } from '../services/audit.ts';
import { requireUncommonPassword } from '../services/common-passwords.ts';
import { BCRYPT_COST } from '../services/password-hasher.ts';
import { settleAttempt, startAttempt } from '../services/sign-in-throttle.ts';
import { insertUser, sessionUserOf, storePassword, userCreated } from '../services/users.ts';
import type { Work } from '../services/work.ts';
import { checkOwnPassword } from './own-password.ts';
import { secondFactorStanding } from './second-factor-standing.ts';
import { actorOf } from './signed-in.ts';

const WRONG_CREDENTIALS = 'Email or password is incorrect';

/**
 * Checks credentials. Where a second factor is set up, a right password
 * opens a session that waits for its code (SECOND_FACTOR_REQUIRED); the
 * password is not asked again. The attempt is counted before the password is
 * compared (sign-in-throttle.ts), so no burst gets more than five compares.
 * Unknown email, wrong password and an over-long password give the same
 * answer after the same bcrypt work; only someone who knows the password
 * learns that the account is unconfirmed or its organization canceled.
 */
export async function signIn(w: Work, input: ParsedInput<'auth.signIn'>): Promise<SessionUser> {
  const { root, passwords } = w.runtime;
  const email = input.email.trim();
  await startAttempt(root, email);

  const em = root.fork();
  const user = await em.findOne(User, { email }, { populate: ['hashedPassword', 'organization'] });
  const fits = passwordByteLength(input.password) <= PASSWORD_MAX_BYTES;
  const matches =
    (await passwords.compare(
      fits ? input.password : '',
      user?.hashedPassword ?? (await passwords.dummyHash()),
    )) &&
    fits &&
    user !== null;
  const locked = await settleAttempt(root, email, matches, user?.organization.id ?? null);
  if (locked) throw locked;
  if (!user || !matches) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);

  if (!user.confirmedAt) {
    throw new AppError(
      'UNAUTHENTICATED',
      'This account is not confirmed yet; ask an administrator to confirm it',
    );
  }
  const organization = user.organization;
  if (!canSignIn(organization.billingStatus)) {
    throw new AppError(
      'UNAUTHENTICATED',
      `${organization.name} is ${organization.billingStatus}; its users cannot sign in`,
    );
  }
  if (passwords.costOf(user.hashedPassword) < BCRYPT_COST) {
    const hashedPassword = await passwords.hash(input.password);
    await em.fork().transactional(async (tx) => {
      // the same password: public migration 13 leaves the user's other sessions alone
      await tx.execute("select set_config('fleet.rehash', 'on', true)");
      await tx.execute('update public.users set hashed_password = ? where id = ?', [
        hashedPassword,
        user.id,
      ]);
    });
  }
  await recordAudit(em, actorOf(user), {
    action: 'auth.signIn',
    organizationId: organization.id,
    targetType: 'user',
    targetId: user.id,
  });
  const session = sessionUserOf(user, await secondFactorStanding(em, user));
  if (session.secondFactor) {
    await w.caller.signedIn(em, session, true);
    throw new AppError(
      'SECOND_FACTOR_REQUIRED',
      'Enter the code from your authenticator app to finish signing in',
    );
  }
  await w.caller.signedIn(em, session);
  return session;
}

/** Whether no user exists yet: one row looked for, not every user counted (every console start asks). */
export async function isFirstRun(em: EntityManager): Promise<boolean> {
  return (await em.find(User, {}, { fields: ['id'], limit: 1 })).length === 0;
}

/**
 * Creates the first organization and its administrator, confirmed, while no
 * user exists; the administrator chose the password. A lock on the users
 * table makes two racing first runs safe.
 */
export async function createFirstAdmin(
  w: Work,
  input: ParsedInput<'auth.createFirstAdmin'>,
): Promise<SessionUser> {
  const tx = w.em;
  await tx.execute('lock table public.users in exclusive mode');
  if (!(await isFirstRun(tx))) {
    throw new AppError('FORBIDDEN', 'An administrator already exists; sign in instead');
  }
  requireUncommonPassword(w.actor, input.password, 'password');
  const organization = await provisionOrganization(tx, {
    name: input.organizationName,
    slug: input.slug,
    tier: 'enterprise',
  });
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: 'organizations.create',
    organizationId: organization.id,
    targetType: 'organization',
    targetId: organization.id,
    changes: created({ name: organization.name, slug: organization.slug, tier: organization.tier }),
  });
  const user = await insertUser(tx, w.runtime.passwords, {
    organizationId: organization.id,
    email: input.email,
    name: input.name,
    role: 'admin',
    password: input.password,
    confirmed: true,
  });
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: 'users.create',
    targetType: 'user',
    ...userCreated(user),
    organizationId: organization.id,
  });
  // nobody has a second factor yet, and nobody has required one
  const session = sessionUserOf(user, { secondFactor: false, mustEnrollSecondFactor: false });
  await w.caller.signedIn(tx, session);
  return session;
}

/**
 * The signed-in user's own new password, after the current one. Wrong
 * current passwords count like failed sign-ins: the fifth ends the session.
 */
export async function changePassword(
  w: Work,
  input: ParsedInput<'auth.changePassword'>,
): Promise<null> {
  const user = await w.em.findOneOrFail(User, w.caller.user?.id ?? '', {
    populate: ['hashedPassword', 'organization'],
  });
  await checkOwnPassword(w, user, input.currentPassword, 'currentPassword');
  requireUncommonPassword(w.actor, input.newPassword, 'newPassword');
  user.mustChangePassword = false;
  await storePassword(w, user, input.newPassword);
  return null;
}
