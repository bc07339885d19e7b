import type { ParsedInput } from '../../src-shared/contract.ts';
import type { SessionDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { User } from '../db/entities/index.ts';
import type { Work } from '../services/work.ts';

/*
 * Account → Sessions: each user sees and ends their own sessions; an
 * administrator ends every session of a user (Users → row action). Ending
 * a session ends it on every console: the database announces it
 * (public migration 13), and no console answers a call from it again.
 */

/** The signed-in caller: these channels are theirs alone. */
function own(w: Work): { userId: string; organizationId: string; current: string } {
  const { user, session } = w.caller;
  if (!user || !session) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  return { userId: user.id, organizationId: user.organizationId, current: session.id };
}

export async function listOwnSessions(w: Work): Promise<SessionDto[]> {
  const { userId, current } = own(w);
  const rows = await w.runtime.sessions.liveOf(w.em, userId);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    startedAt: new Date(row.startedAt).toISOString(),
    lastUsedAt: new Date(row.lastUsedAt).toISOString(),
    current: row.id === current,
    pendingSecondFactor: row.pendingSecondFactor,
  }));
}

/** Ends one of the caller's sessions (this one signs out); another user's is not found. */
export async function endOwnSession(w: Work, input: ParsedInput<'sessions.end'>): Promise<null> {
  const { userId, organizationId, current } = own(w);
  const live = await w.runtime.sessions.liveOf(w.em, userId);
  const session = live.find((row) => row.id === input.id);
  if (!session) throw new AppError('NOT_FOUND', 'Session not found');
  await w.runtime.sessions.end(w.em, session.id, 'You ended this session from another window');
  w.audit({
    targetId: userId,
    organizationId,
    changes: { session: { from: session.id, to: 'ended' } },
  });
  if (session.id === current) await w.caller.signOut(w.em);
  return null;
}

export async function endOtherOwnSessions(w: Work): Promise<{ ended: number }> {
  const { userId, organizationId, current } = own(w);
  const ended = await w.runtime.sessions.endAllOf(
    w.em,
    userId,
    'You ended your other sessions from another window',
    current,
  );
  w.audit({ targetId: userId, organizationId, changes: { sessions: { from: ended, to: 0 } } });
  return { ended };
}

/** An administrator ends every session of a user (their own included: they sign out). */
export async function endSessionsOf(w: Work, user: User): Promise<{ ended: number }> {
  const ended = await w.runtime.sessions.endAllOf(
    w.em,
    user.id,
    'An administrator ended your sessions; sign in again',
  );
  w.audit({ targetId: user.id, changes: { sessions: { from: ended, to: 0 } } });
  if (w.caller.user?.id === user.id) await w.caller.signOut(w.em);
  return { ended };
}
