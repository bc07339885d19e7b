import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParsedInput, SessionUser } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { User, type Organization } from '../db/entities/index.ts';
import { provisionOrganization } from '../db/tenancy.ts';
import { created, recordAudit } from './audit.ts';
import { SYSTEM_ACTOR, type Actor, type ServiceContext } from './context.ts';
import { withDbErrors } from './db-errors.ts';
import { BCRYPT_COST } from './password-hasher.ts';
import { insertUser, storePassword } from './users.ts';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

const WRONG_CREDENTIALS = 'Email or password is incorrect';

/** Compared against when the email is unknown, so both failures take the same time. */
let dummyHash: Promise<string> | null = null;

export function sessionUserOf(user: User, organization: Organization): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name ?? null,
    role: user.role,
    organizationId: organization.id,
    organizationName: organization.name,
  };
}

export function actorOf(user: User): Actor {
  return {
    kind: 'user',
    id: user.id,
    email: user.email,
    role: user.role,
    organizationId: user.organization.id,
  };
}

async function lockedUntil(em: EntityManager, email: string): Promise<Date | null> {
  const [row] = await em.execute<{ locked_until: Date }[]>(
    'select locked_until from public.sign_in_locks where email = ? and locked_until > now()',
    [email],
  );
  return row ? new Date(row.locked_until) : null;
}

function lockedError(until: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return new AppError(
    'LOCKED',
    `Too many failed sign-ins for this email; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
  );
}

/** Counts a failure; the fifth within the window locks the email. Returns the lock's end, if any. */
async function recordFailure(em: EntityManager, email: string): Promise<Date | null> {
  return em.transactional(async (tx) => {
    await tx.execute('insert into public.sign_in_failures (email) values (?)', [email]);
    const [row] = await tx.execute<{ count: string }[]>(
      `select count(*) as count from public.sign_in_failures
        where email = ? and at > now() - make_interval(mins => ?)`,
      [email, FAILURE_WINDOW_MINUTES],
    );
    if (Number(row?.count ?? 0) < MAX_FAILURES) return null;
    const [lock] = await tx.execute<{ locked_until: Date }[]>(
      `insert into public.sign_in_locks (email, locked_until) values (?, now() + make_interval(mins => ?))
       on conflict (email) do update set locked_until = excluded.locked_until
       returning locked_until`,
      [email, LOCK_MINUTES],
    );
    await tx.execute('delete from public.sign_in_failures where email = ?', [email]);
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'auth.lockout',
      organizationId: null,
      targetType: 'email',
      targetId: email,
    });
    return lock ? new Date(lock.locked_until) : null;
  });
}

export interface SignInResult {
  user: SessionUser;
  actor: Actor;
}

/**
 * Checks credentials. Unknown email and wrong password give the same answer
 * after the same bcrypt work; only someone who knows the password learns
 * that the account is unconfirmed or its organization canceled.
 */
export async function signIn(
  ctx: ServiceContext,
  input: ParsedInput<'auth.signIn'>,
): Promise<SignInResult> {
  const em = ctx.em.fork();
  const email = input.email.trim();
  const until = await lockedUntil(em, email);
  if (until) throw lockedError(until);

  const user = await em.findOne(User, { email }, { populate: ['hashedPassword', 'organization'] });
  dummyHash ??= ctx.passwords.hash('not-a-real-password');
  const matches = await ctx.passwords.compare(
    input.password,
    user?.hashedPassword ?? (await dummyHash),
  );

  if (!user || !matches) {
    const lock = await recordFailure(em, email);
    await recordAudit(em, SYSTEM_ACTOR, {
      action: 'auth.signInFailed',
      organizationId: user?.organization.id ?? null,
      targetType: 'email',
      targetId: email,
    });
    if (lock) throw lockedError(lock);
    throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  }
  if (!user.confirmedAt) {
    throw new AppError(
      'UNAUTHENTICATED',
      'This account is not confirmed yet; ask an administrator to confirm it',
    );
  }
  const organization = user.organization;
  if (organization.billingStatus === 'canceled') {
    throw new AppError(
      'UNAUTHENTICATED',
      `${organization.name} is canceled; its users cannot sign in`,
    );
  }
  await em.execute('delete from public.sign_in_failures where email = ?', [email]);
  if (ctx.passwords.costOf(user.hashedPassword) < BCRYPT_COST) {
    user.hashedPassword = await ctx.passwords.hash(input.password);
    await em.flush();
  }
  const actor = actorOf(user);
  await recordAudit(em, actor, {
    action: 'auth.signIn',
    organizationId: organization.id,
    targetType: 'user',
    targetId: user.id,
  });
  return { user: sessionUserOf(user, organization), actor };
}

export async function sessionUser(
  em: EntityManager,
  userId: string,
): Promise<{ user: SessionUser; actor: Actor } | null> {
  const user = await em.fork().findOne(User, userId, { populate: ['organization'] });
  if (!user?.confirmedAt || user.organization.billingStatus === 'canceled') return null;
  return { user: sessionUserOf(user, user.organization), actor: actorOf(user) };
}

export async function isFirstRun(ctx: ServiceContext): Promise<boolean> {
  return (await ctx.em.fork().count(User, {})) === 0;
}

/**
 * Creates the first organization and its administrator, confirmed, while no
 * user exists. A lock on the users table makes two racing first runs safe.
 */
export async function createFirstAdmin(
  ctx: ServiceContext,
  input: ParsedInput<'auth.createFirstAdmin'>,
): Promise<SignInResult> {
  return withDbErrors(async () => {
    let result: SignInResult | undefined;
    await provisionOrganization(
      ctx.em,
      { name: input.organizationName, slug: input.slug, tier: 'enterprise' },
      undefined,
      async (tx, organization) => {
        await tx.execute('lock table public.users in exclusive mode');
        if ((await tx.count(User, {})) > 0) {
          throw new AppError('FORBIDDEN', 'An administrator already exists; sign in instead');
        }
        await recordAudit(tx, SYSTEM_ACTOR, {
          action: 'organizations.create',
          organizationId: organization.id,
          targetType: 'organization',
          targetId: organization.id,
          changes: created({
            name: organization.name,
            slug: organization.slug,
            tier: organization.tier,
          }),
        });
        const user = await insertUser({ ...ctx, actor: SYSTEM_ACTOR }, tx, {
          organizationId: organization.id,
          email: input.email,
          name: input.name,
          role: 'admin',
          password: input.password,
          confirmed: true,
        });
        result = { user: sessionUserOf(user, organization), actor: actorOf(user) };
      },
    );
    if (!result) throw new Error('First-run provisioning finished without an administrator');
    return result;
  });
}

export async function changePassword(
  ctx: ServiceContext,
  input: ParsedInput<'auth.changePassword'>,
): Promise<null> {
  if (ctx.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  const actor = ctx.actor;
  await ctx.em.fork().transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, actor.id, { populate: ['hashedPassword'] });
    if (!(await ctx.passwords.compare(input.currentPassword, user.hashedPassword))) {
      throw new AppError('VALIDATION', 'The current password is not correct', {
        currentPassword: 'is not correct',
      });
    }
    await storePassword(ctx, tx, user, input.newPassword);
  });
  return null;
}
