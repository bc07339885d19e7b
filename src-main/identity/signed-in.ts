import type { EntityManager } from '@mikro-orm/postgresql';
import type { SessionUser } from '../../src-shared/contract.ts';
import { canSignIn } from '../../src-shared/domain/billing.ts';
import type { Actor } from '../../src-shared/domain/permissions.ts';
import { User } from '../db/entities/index.ts';
import { sessionUserOf } from '../services/users.ts';
import { secondFactorStanding } from './second-factor-standing.ts';

/** Who a session's caller is: what the screens see, and the actor the access table judges. */
export interface SignedIn {
  user: SessionUser;
  actor: Actor;
}

export function actorOf(user: User | SessionUser): Actor {
  return {
    kind: 'user',
    id: user.id,
    email: user.email,
    role: user.role,
    organizationId: 'organizationId' in user ? user.organizationId : user.organization.id,
  };
}

/** The signed-in user behind a session, read as they are now; null once they may no longer sign in. */
export async function sessionUser(em: EntityManager, userId: string): Promise<SignedIn | null> {
  const fork = em.fork();
  const user = await fork.findOne(User, userId, { populate: ['organization'] });
  if (!user?.confirmedAt || !canSignIn(user.organization.billingStatus)) return null;
  return {
    user: sessionUserOf(user, await secondFactorStanding(fork, user)),
    actor: actorOf(user),
  };
}
