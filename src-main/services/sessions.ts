import { randomBytes } from 'node:crypto';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;

interface Session {
  userId: string;
  lastSeen: number;
}

/**
 * Signed-in sessions, in memory: a restart signs everyone out, which is what
 * a desktop console wants. Ids are 128-bit random and never logged.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  create(userId: string): string {
    const id = randomBytes(16).toString('base64url');
    this.#sessions.set(id, { userId, lastSeen: this.#now() });
    return id;
  }

  /** The user of a live session, refreshing its idle timer; null when absent or idle too long. */
  touch(id: string | undefined): string | null {
    if (!id) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (this.#now() - session.lastSeen > IDLE_TIMEOUT_MS) {
      this.#sessions.delete(id);
      return null;
    }
    session.lastSeen = this.#now();
    return session.userId;
  }

  end(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  endAllOf(userId: string): void {
    for (const [id, session] of this.#sessions)
      if (session.userId === userId) this.#sessions.delete(id);
  }
}
