import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Target } from '../../../src-shared/domain/permissions.ts';
import { AppError } from '../../../src-shared/errors.ts';
import { Agent, Organization, Skill, User } from '../../db/entities/index.ts';
import type { LoadKind, Loadable } from './define.ts';

/* The record a call is about: found, whose it is, at the version the caller saw. */

const WHAT: Record<LoadKind, string> = {
  organization: 'Organization',
  user: 'User',
  skill: 'Skill',
  agent: 'Agent',
};

/** The record a call is about, found in the scope's EntityManager (locked when writing). */
export async function loadRecord(
  em: EntityManager,
  kind: LoadKind,
  id: string,
  lock: boolean,
): Promise<Loadable[LoadKind]> {
  const options = lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {};
  const find = (): Promise<Loadable[LoadKind] | null> => {
    switch (kind) {
      case 'user':
        return em.findOne(User, id, { ...options, populate: ['organization'] });
      case 'organization':
        return em.findOne(Organization, id, options);
      case 'skill':
        return em.findOne(Skill, id, options);
      case 'agent':
        return em.findOne(Agent, id, options);
    }
  };
  const found = await find();
  if (!found) throw new AppError('NOT_FOUND', `${WHAT[kind]} not found`);
  return found;
}

/** What a loaded record says about whom it belongs to, for the permission decision. */
export function targetOf(kind: LoadKind, record: Loadable[LoadKind]): Target {
  if (kind === 'organization') return { organizationId: (record as Organization).id };
  if (kind === 'user') {
    const user = record as User;
    return { organizationId: user.organization.id, userId: user.id, what: 'User' };
  }
  return {};
}

/** Optimistic locking: a write based on an older version of a record is refused. */
export function requireVersion(
  kind: LoadKind,
  record: Loadable[LoadKind],
  input: Record<string, unknown>,
): void {
  const given = input.version;
  if (typeof given !== 'number' || !('version' in record) || record.version === given) return;
  const what = 'name' in record ? `${WHAT[kind]} "${record.name}"` : WHAT[kind];
  throw new AppError(
    'CONFLICT',
    `${what} was changed by someone else (version ${record.version}, yours ${given}); reload and try again`,
  );
}
