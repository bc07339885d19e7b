import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetChange } from '../../src-shared/channels.ts';
import type { ParsedInput, SessionUser } from '../../src-shared/contract.ts';
import { canSignIn } from '../../src-shared/domain/billing.ts';
import { mayEver } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { CHANGE_CHANNEL } from '../db/change-listener.ts';
import { User } from '../db/entities/index.ts';
import { created, recordAudit } from '../services/audit.ts';
import type { Work } from '../services/work.ts';
import type { SessionRow, SessionStore } from './sessions.ts';
import { actorOf, type SignedIn } from './signed-in.ts';

/*
 * View as (issue 29): an administrator sees the console exactly as another
 * user does. The view is the session's (public.sessions.viewing_as): every
 * call of the session is that user's, with their role and organization,
 * the access table deciding, and their event audience; every write answers
 * READ_ONLY_VIEW (admission.ts, the one place that decides it). It ends with
 * auth.endViewAs, with signing out or in again, after 30 minutes of the
 * database's clock, and with the session (the administrator's role,
 * password or email changed, idle, 12 hours). Start and end are audited
 * naming the administrator as actor and the viewed user as target, with the
 * reason given: here, or, when the session ends first, by the database in
 * the statement that ends it (public migration 20).
 *
 * The window's own session stays the administrator's: auth.me names them
 * (with `viewingAs`), Account → Sessions lists theirs, and signing out or
 * entering the password again is theirs.
 *
 * Another administrator (or oneself) cannot be viewed as: an administrator
 * sees every organization already, so the view would show nothing new, and
 * the audit trail keeps one meaning for it (someone's narrower view).
 */

/** A session's view as the router finds it for a call. */
export type View =
  | { state: 'none' }
  | { state: 'live'; as: SignedIn; reason: string }
  /** Recorded but over: closed (and audited) by the next call that uses the session. */
  | { state: 'over'; why: string };

const NO_VIEW: View = { state: 'none' };

/**
 * The session's view now: live, over (and why), or none. `read` is the
 * router's kept-or-read identity of a user, null once they may not sign in.
 */
export async function viewOf(
  session: SessionRow,
  signedIn: SignedIn,
  read: (userId: string) => Promise<SignedIn | null>,
  now: number,
): Promise<View> {
  const { view } = session;
  if (!view) return NO_VIEW;
  // the role change ends the session already (public migration 13): this is the belt
  if (!mayEver(signedIn.actor, 'manageUsers').allowed)
    return { state: 'over', why: 'you are no longer an administrator' };
  if (view.userId === null) return { state: 'over', why: 'the user was deleted' };
  const as = await read(view.userId);
  if (!as) return { state: 'over', why: 'the user can no longer sign in' };
  if (as.user.role === 'admin') return { state: 'over', why: 'the user became an administrator' };
  if (now >= view.endsAt) return { state: 'over', why: 'it ended after 30 minutes' };
  return { state: 'live', as, reason: view.reason };
}

/** What a write answers when the window may still show a view that has just ended. */
export const viewEndedMessage = (why: string) =>
  `Your view as another user has ended (${why}); nothing was changed. The console is yours again: check what you were about to do`;

/** auth.viewAs: the session shows what `user` sees, read-only, for the reason given. */
export async function viewAs(
  w: Work,
  input: ParsedInput<'auth.viewAs'>,
  user: User,
): Promise<null> {
  const { session, user: me } = w.caller;
  if (!session || !me) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  if (user.id === me.id) throw new AppError('FORBIDDEN', 'You see the console as yourself already');
  if (user.role === 'admin')
    throw new AppError(
      'FORBIDDEN',
      `${user.email} is an administrator and sees what you see: there is nothing to view as them`,
    );
  if (!user.confirmedAt || !canSignIn(user.organization.billingStatus))
    throw new AppError(
      'FORBIDDEN',
      `${user.email} cannot sign in, so there is nothing they would see`,
    );
  await w.runtime.sessions.startView(w.em, session.id, user.id, input.reason);
  w.audit({ targetId: user.id, changes: created({ viewingAs: user.email, reason: input.reason }) });
  return null;
}

/** auth.endViewAs: the session is the administrator's own again (answered also when no view is left). */
export async function endViewAs(w: Work): Promise<null> {
  const { session, user } = w.caller;
  if (!session || !user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  await closeView(w.em, w.runtime.sessions, session.id, user, 'ended by the administrator');
  return null;
}

/**
 * Clears the session's view and records its end in `em`'s transaction: the
 * administrator as actor, the viewed user as target (null once deleted),
 * the reason given at the start and why it ended. Announced like any
 * change to the user, so that every window of the session reads its
 * identity again. Nothing is recorded when another call ended it first.
 */
export async function closeView(
  em: EntityManager,
  sessions: SessionStore,
  sessionId: string,
  by: SessionUser,
  why: string,
): Promise<void> {
  const was = await sessions.endView(em, sessionId);
  if (!was) return;
  const viewed = was.userId ? await em.findOne(User, was.userId) : null;
  const organizationId = viewed?.organization.id ?? by.organizationId;
  await recordAudit(em, actorOf(by), {
    action: 'auth.endViewAs',
    organizationId,
    targetType: 'user',
    targetId: was.userId,
    changes: created({ reason: was.reason, ended: why }),
  });
  const change: FleetChange = {
    kind: 'user',
    id: was.userId,
    organizationId,
    version: null,
    action: 'auth.endViewAs',
  };
  await em.execute(`select pg_notify('${CHANGE_CHANNEL}', ?)`, [JSON.stringify(change)]);
}
