import { randomBytes } from 'node:crypto';
import type { Role } from '../../src-shared/domain/enums.ts';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;

interface Session {
  userId: string;
  /** Exact for the session's life: a change of role ends the user's sessions. */
  role: Role;
  organizationId: string;
  startedAt: number;
  lastSeen: number;
}

/** A session looked up for a call: live, ended just now (and why), or none. */
export type SessionState =
  { state: 'live'; userId: string } | { state: 'ended'; reason: string } | { state: 'none' };

const NONE: SessionState = { state: 'none' };

/**
 * Signed-in sessions, in memory: a restart signs everyone out, which is what
 * a desktop console wants. Ids are 128-bit random and never logged. A
 * session ends after 30 idle minutes, and after 12 hours however busy.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  create(user: { id: string; role: Role; organizationId: string }): string {
    const id = randomBytes(16).toString('base64url');
    const now = this.#now();
    const { role, organizationId } = user;
    this.#sessions.set(id, {
      userId: user.id,
      role,
      organizationId,
      startedAt: now,
      lastSeen: now,
    });
    return id;
  }

  /** The session's user, refreshing its idle timer, or why it ended. */
  touch(id: string | undefined): SessionState {
    if (!id) return NONE;
    const session = this.#sessions.get(id);
    if (!session) return NONE;
    const now = this.#now();
    const reason =
      now - session.startedAt > ABSOLUTE_LIFETIME_MS
        ? 'Your session ended after 12 hours; sign in again'
        : now - session.lastSeen > IDLE_TIMEOUT_MS
          ? 'Your session ended after 30 minutes without activity; sign in again'
          : null;
    if (reason) {
      this.#sessions.delete(id);
      return { state: 'ended', reason };
    }
    session.lastSeen = now;
    return { state: 'live', userId: session.userId };
  }

  /** Who holds a live session, without touching it (event streams ask who is listening). */
  holderOf(id: string | undefined): { userId: string; role: Role; organizationId: string } | null {
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session) return null;
    const now = this.#now();
    const live =
      now - session.startedAt <= ABSOLUTE_LIFETIME_MS && now - session.lastSeen <= IDLE_TIMEOUT_MS;
    return live
      ? { userId: session.userId, role: session.role, organizationId: session.organizationId }
      : null;
  }

  end(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  endAllOf(userId: string): void {
    for (const [id, session] of this.#sessions)
      if (session.userId === userId) this.#sessions.delete(id);
  }
}
