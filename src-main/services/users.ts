import type { EntityManager } from '@mikro-orm/postgresql';
import type { BulkResult, ParsedInput } from '../../src-shared/contract.ts';
import type { Page, UserDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { User } from '../db/entities/index.ts';
import { created, diff, recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { inTransaction } from './transactions.ts';
import { runBulk } from './bulk.ts';
import { userDto } from './dto-mapping.ts';
import { visibleOrganization } from './organizations.ts';
import { containsPattern, findPage, offsetOf, sortOf } from './paging.ts';
import { isAdmin, organizationScope, requireAdmin, requireOrganizationVisible } from './policy.ts';

async function visibleUser(ctx: ServiceContext, id: string, em: EntityManager): Promise<User> {
  const user = await em.findOne(User, id);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  requireOrganizationVisible(ctx.actor, user.organization.id, 'User');
  return user;
}

/** An admin may not remove the last way to administer the console: themself as the last admin. */
async function requireAnotherAdmin(em: EntityManager, user: User): Promise<void> {
  const [row] = await em.execute<{ count: string }[]>(
    "select count(*) as count from public.users where role = 'admin' and id <> ? and confirmed_at is not null",
    [user.id],
  );
  if (Number(row?.count ?? 0) === 0) {
    throw new AppError(
      'FORBIDDEN',
      'You are the last administrator; make someone else an administrator first',
    );
  }
}

export async function listUsers(
  ctx: ServiceContext,
  input: ParsedInput<'users.list'>,
): Promise<Page<UserDto>> {
  const scope = organizationScope(ctx.actor);
  if (scope && input.organizationId && input.organizationId !== scope) {
    return { items: [], total: 0, page: input.page, pageSize: input.pageSize };
  }
  const organizationId = scope ?? input.organizationId;
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
  const [items, total] = await findPage(ctx.em.fork(), User, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  return { items: items.map(userDto), total, page: input.page, pageSize: input.pageSize };
}

export async function getUser(
  ctx: ServiceContext,
  input: ParsedInput<'users.get'>,
): Promise<UserDto> {
  return userDto(await visibleUser(ctx, input.id, ctx.em.fork()));
}

export interface NewUser {
  organizationId: string;
  email: string;
  name: string;
  role: ParsedInput<'users.create'>['role'];
  password: string;
  /** Set for accounts that need no confirmation step (the first admin, the seed). */
  confirmed?: boolean;
}

/** Inserts a user with a bcrypt hash made off the event loop; used by users.create and first-run. */
export async function insertUser(
  ctx: ServiceContext,
  em: EntityManager,
  data: NewUser,
): Promise<User> {
  const hashedPassword = await ctx.passwords.hash(data.password);
  const user = em.create(User, {
    email: data.email,
    name: data.name,
    role: data.role,
    hashedPassword,
    organization: data.organizationId,
    confirmedAt: data.confirmed ? new Date() : null,
  });
  await em.flush();
  await recordAudit(em, ctx.actor, {
    action: 'users.create',
    organizationId: data.organizationId,
    targetType: 'user',
    targetId: user.id,
    changes: created({ email: user.email, name: user.name, role: user.role }),
  });
  return user;
}

export async function createUser(
  ctx: ServiceContext,
  input: ParsedInput<'users.create'>,
): Promise<UserDto> {
  requireAdmin(ctx.actor);
  await visibleOrganization(ctx, input.organizationId);
  return inTransaction(ctx.em.fork(), async (tx) => userDto(await insertUser(ctx, tx, input)));
}

export async function updateUser(
  ctx: ServiceContext,
  input: ParsedInput<'users.update'>,
): Promise<UserDto> {
  const self = ctx.actor.kind === 'user' && ctx.actor.id === input.id;
  if (!isAdmin(ctx.actor)) {
    if (!self) throw new AppError('FORBIDDEN', 'You can only edit your own name');
    if (input.email !== undefined || input.role !== undefined) {
      throw new AppError('FORBIDDEN', 'Only administrators can change emails and roles');
    }
  }
  return inTransaction(ctx.em.fork(), async (tx) => {
    const user = await visibleUser(ctx, input.id, tx);
    const before = { email: user.email, name: user.name ?? null, role: user.role };
    const demoted = input.role !== undefined && user.role === 'admin' && input.role !== 'admin';
    if (demoted && self) await requireAnotherAdmin(tx, user);
    if (input.email !== undefined) user.email = input.email;
    if (input.name !== undefined) user.name = input.name;
    if (input.role !== undefined) user.role = input.role;
    const changes = diff(before, { email: user.email, name: user.name ?? null, role: user.role });
    if (Object.keys(changes).length === 0) return userDto(user);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'users.update',
      organizationId: user.organization.id,
      targetType: 'user',
      targetId: user.id,
      changes,
    });
    if (changes.role) ctx.revokeSessions?.(user.id);
    return userDto(user);
  });
}

async function confirmIn(ctx: ServiceContext, tx: EntityManager, id: string): Promise<User> {
  const user = await visibleUser(ctx, id, tx);
  if (user.confirmedAt) return user;
  user.confirmedAt = new Date();
  await tx.flush();
  await recordAudit(tx, ctx.actor, {
    action: 'users.confirm',
    organizationId: user.organization.id,
    targetType: 'user',
    targetId: user.id,
    changes: diff({ confirmedAt: null }, { confirmedAt: user.confirmedAt.toISOString() }),
  });
  return user;
}

export async function confirmUser(
  ctx: ServiceContext,
  input: ParsedInput<'users.confirm'>,
): Promise<UserDto> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx.em.fork(), async (tx) => userDto(await confirmIn(ctx, tx, input.id)));
}

/** Confirms each user in its own transaction; one that is gone is reported, the rest confirmed. */
export async function confirmMany(
  ctx: ServiceContext,
  input: ParsedInput<'users.confirmMany'>,
): Promise<BulkResult> {
  requireAdmin(ctx.actor);
  return runBulk(
    input.ids,
    (id, name) =>
      inTransaction(ctx.em.fork(), async (tx) => {
        name((await confirmIn(ctx, tx, id)).email);
        return {};
      }),
    {},
  );
}

export async function storePassword(
  ctx: ServiceContext,
  tx: EntityManager,
  user: User,
  password: string,
) {
  user.hashedPassword = await ctx.passwords.hash(password);
  await tx.flush();
  await recordAudit(tx, ctx.actor, {
    action: 'users.setPassword',
    organizationId: user.organization.id,
    targetType: 'user',
    targetId: user.id,
    changes: diff({ password: 0 }, { password: 1 }),
  });
  ctx.revokeSessions?.(user.id);
}

export async function setPassword(
  ctx: ServiceContext,
  input: ParsedInput<'users.setPassword'>,
): Promise<null> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx.em.fork(), async (tx) => {
    await storePassword(ctx, tx, await visibleUser(ctx, input.id, tx), input.password);
  });
  return null;
}

export async function deleteUser(
  ctx: ServiceContext,
  input: ParsedInput<'users.delete'>,
): Promise<null> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx.em.fork(), async (tx) => {
    const user = await visibleUser(ctx, input.id, tx);
    if (ctx.actor.kind === 'user' && ctx.actor.id === user.id && user.role === 'admin') {
      await requireAnotherAdmin(tx, user);
    }
    const organizationId = user.organization.id;
    tx.remove(user);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'users.delete',
      organizationId,
      targetType: 'user',
      targetId: input.id,
      changes: diff({ email: user.email }, { email: null }),
    });
  });
  ctx.revokeSessions?.(input.id);
  return null;
}
