import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParsedInput, UserListItem, SessionUser } from '../../src-shared/contract.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import {
  keepsAnAdmin,
  scopeOf,
  setsSomeoneElsesPassword,
  type Actor,
} from '../../src-shared/domain/permissions.ts';
import type { Page, UserDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Organization, User } from '../db/entities/index.ts';
import { created, diff, hasChanges } from './audit.ts';
import { userDto, type UserRow } from './dto-mapping.ts';
import { locksOf, unlockEmail } from './sign-in-throttle.ts';
import { containsPattern, findRows, offsetOf, sortOf } from './paging.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { requireUncommonPassword } from './common-passwords.ts';
import type { Work } from './work.ts';

/** Refuses what would leave the console without a confirmed administrator. */
async function requireAnAdminLeft(em: EntityManager, actor: Actor, user: User): Promise<void> {
  if (user.role !== 'admin') return;
  const others = await em.count(User, {
    role: 'admin',
    id: { $ne: user.id },
    confirmedAt: { $ne: null },
  });
  const decision = keepsAnAdmin(actor, { userId: user.id, role: user.role }, others);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
}

/** The names of a page's organizations, in one query whatever the page size. */
async function organizationNames(w: Work, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await w.em.execute<{ id: string; name: string }[]>(
    'select id::text as id, name from public.organizations where id = any(?::uuid[])',
    [`{${ids.join(',')}}`],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function listUsers(
  w: Work,
  input: ParsedInput<'users.list'>,
): Promise<Page<UserListItem>> {
  const organizationId = scopeOf(w.actor, 'readUsers') ?? input.organizationId;
  const sort = sortOf(input, 'email');
  const where = {
    ...(organizationId ? { organization: organizationId } : {}),
    ...(input.search
      ? {
          $or: [
            { email: { $ilike: containsPattern(input.search) } },
            { name: { $ilike: containsPattern(input.search) } },
          ],
        }
      : {}),
  };
  // the password hash stays in the database; the organization arrives as its id
  const [rows, total] = await findRows<
    User,
    Omit<UserRow, 'organization'> & { organization: string }
  >(w.em, User, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
    fields: [
      'id',
      'email',
      'name',
      'role',
      'confirmedAt',
      'version',
      'organization',
      'createdAt',
      'updatedAt',
    ],
  });
  const [names, locks] = await Promise.all([
    organizationNames(w, [...new Set(rows.map((u) => u.organization))]),
    locksOf(
      w.em,
      rows.map((u) => u.email),
    ),
  ]);
  const items = rows.map((u) => ({
    ...userDto({ ...u, organization: { id: u.organization } }, locks.get(u.email.toLowerCase())),
    organizationName: names.get(u.organization) ?? '',
  }));
  return { items, total, page: input.page, pageSize: input.pageSize };
}

export interface NewUser {
  organizationId: string;
  email: string;
  name?: string | null | undefined;
  role: Role;
  password: string;
  /** Set for accounts that need no confirmation step (the first admin, the seed). */
  confirmed?: boolean;
  /** Set when someone other than the user chose the password. */
  mustChangePassword?: boolean;
}

/** Inserts a user with a bcrypt hash made off the event loop; for users.create, first run and the seed. */
export async function insertUser(
  em: EntityManager,
  passwords: PasswordHasher,
  data: NewUser,
): Promise<User> {
  const hashedPassword = await passwords.hash(data.password);
  const user = em.create(User, {
    email: data.email,
    name: data.name ?? null,
    role: data.role,
    hashedPassword,
    organization: data.organizationId,
    confirmedAt: data.confirmed ? new Date() : null,
    mustChangePassword: data.mustChangePassword ?? false,
  });
  await em.flush();
  return user;
}

export function userCreated(user: User): Parameters<Work['audit']>[0] {
  return {
    targetId: user.id,
    organizationId: user.organization.id,
    changes: created({ email: user.email, name: user.name ?? null, role: user.role }),
  };
}

export async function createUser(w: Work, input: ParsedInput<'users.create'>): Promise<UserDto> {
  if (!(await w.em.findOne(Organization, input.organizationId, { fields: ['id'] }))) {
    throw new AppError('NOT_FOUND', 'Organization not found');
  }
  requireUncommonPassword(w.actor, input.password, 'password');
  const user = await insertUser(w.em, w.runtime.passwords, { ...input, mustChangePassword: true });
  w.audit(userCreated(user));
  return userDto(user);
}

export async function updateUser(
  w: Work,
  input: ParsedInput<'users.update'>,
  user: User,
): Promise<UserDto> {
  const before = { email: user.email, name: user.name ?? null, role: user.role };
  const changes = diff(before, { email: input.email, name: input.name, role: input.role });
  if (!hasChanges(changes)) return userDto(user);
  if (changes.role) await requireAnAdminLeft(w.em, w.actor, user);
  w.em.assign(user, {
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
  });
  await w.em.flush();
  w.audit({ targetId: user.id, changes });
  if (changes.role || changes.email) await continueOwnSession(w, user);
  return userDto(user);
}

/** The user as a screen shows them: with the sign-in lock on their email, if any. */
export async function userView(w: Work, user: User): Promise<UserDto> {
  const locks = await locksOf(w.em, [user.email]);
  return userDto(user, locks.get(user.email.toLowerCase()));
}

/**
 * Ends the sign-in lock on the user's email (an administrator vouching for
 * them), audited with when it would have ended; a user not locked is left
 * as is.
 */
export async function unlockUser(w: Work, user: User): Promise<UserDto> {
  const until = await unlockEmail(w.em, user.email);
  if (until) {
    w.audit({
      targetId: user.id,
      changes: diff({ lockedUntil: until.toISOString() }, { lockedUntil: null }),
    });
  }
  return userDto(user);
}

export async function confirmUser(w: Work, user: User): Promise<UserDto> {
  if (user.confirmedAt) return userDto(user);
  user.confirmedAt = new Date();
  await w.em.flush();
  w.audit({
    targetId: user.id,
    changes: diff({ confirmedAt: null }, { confirmedAt: user.confirmedAt.toISOString() }),
  });
  return userDto(user);
}

/** A new password for a user; their sessions end (public migration 13). */
export async function storePassword(w: Work, user: User, password: string): Promise<void> {
  user.hashedPassword = await w.runtime.passwords.hash(password);
  await w.em.flush();
  // one's own change loads no record: the user's organization is named here, not inferred
  w.audit({
    targetId: user.id,
    organizationId: user.organization.id,
    changes: diff({ password: 0 }, { password: 1 }),
  });
  await continueOwnSession(w, user);
}

/**
 * A change to a user's credentials or role has ended their sessions, in
 * the database and in this transaction; the caller, when it is that user,
 * continues in a replacement that keeps the original start.
 */
async function continueOwnSession(w: Work, user: User): Promise<void> {
  if (w.caller.user?.id === user.id) await w.caller.renewed(w.em);
}

/** What the screens know of the signed-in user; `standing` from identity/second-factor.ts. */
export function sessionUserOf(
  user: User,
  standing: { secondFactor: boolean; mustEnrollSecondFactor: boolean },
): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name ?? null,
    role: user.role,
    organizationId: user.organization.id,
    organizationName: user.organization.name,
    mustChangePassword: user.mustChangePassword,
    secondFactor: standing.secondFactor,
    mustEnrollSecondFactor: standing.mustEnrollSecondFactor,
  };
}

export async function setPassword(
  w: Work,
  input: ParsedInput<'users.setPassword'>,
  user: User,
): Promise<null> {
  const decision = setsSomeoneElsesPassword(w.actor, user.id);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
  requireUncommonPassword(w.actor, input.password, 'password');
  // a password chosen for someone else is a one-time password
  user.mustChangePassword = true;
  await storePassword(w, user, input.password);
  return null;
}

export async function deleteUser(w: Work, user: User): Promise<null> {
  await requireAnAdminLeft(w.em, w.actor, user);
  w.em.remove(user);
  await w.em.flush();
  // the user's sessions went with the row
  w.audit({ targetId: user.id, changes: diff({ email: user.email }, { email: null }) });
  return null;
}
