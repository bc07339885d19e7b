import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SessionKind } from '../../src-shared/dto.ts';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/**
 * How long a sign-in waits for its second factor's code: the password alone
 * opened it, so whoever holds it (perhaps not the user) gets minutes, not a
 * full session's hours, to find the code.
 */
export const PENDING_SECOND_FACTOR_LIFETIME_MS = 5 * 60 * 1000;
/** How long a view as another user lasts (identity/view-as.ts). */
export const VIEW_LIFETIME_MS = 30 * 60 * 1000;
/** A session's last use is written at most this often; this console knows it exactly meanwhile. */
const TOUCH_EVERY_MS = 60 * 1000;
/** Ended and expired rows are kept this long, so that a console can still say why one ended. */
const KEPT_AFTER_END_MS = 24 * 60 * 60 * 1000;
/** The most sessions whose last use this console remembers between writes. */
const REMEMBERED = 10_000;

/** A session as every console reads it from public.sessions. */
export interface SessionRow {
  id: string;
  userId: string;
  kind: SessionKind;
  startedAt: number;
  lastUsedAt: number;
  reauthenticatedAt: number | null;
  /** The password was right and the second factor's code is still due: only that code is heard. */
  pendingSecondFactor: boolean;
  endedReason: string | null;
  ended: boolean;
  /** The view as another user this session holds (view-as.ts), or null. */
  view: SessionView | null;
}

/**
 * A view recorded on a session. `userId` is null once the user was deleted
 * (the view is then over); `endsAt` is on this console's clock, from the
 * database's: every console ends it at the same moment.
 */
export interface SessionView {
  userId: string | null;
  reason: string;
  endsAt: number;
}

/** A session looked up for a call: live, ended (and why), or none. */
export type SessionState =
  { state: 'live'; session: SessionRow } | { state: 'ended'; reason: string } | { state: 'none' };

const NONE: SessionState = { state: 'none' };

/** Where rows read are kept between calls (SignedInCache: exact while changes are heard). */
export interface SessionCache {
  session(hash: string, load: () => Promise<SessionRow | null>): Promise<SessionRow | null>;
  forget(): void;
}

/** What a replacement carries over from the session it replaces. */
export interface Carried {
  startedAt: number;
  reauthenticatedAt: number | null;
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

// the view's time left is measured by the database's clock, not by this console's
const SELECT = `select id, user_id, kind, state, started_at, last_used_at, reauthenticated_at,
                       ended_at, ended_reason, viewing_as, viewing_as_reason,
                       extract(epoch from viewing_as_until - now()) * 1000 as view_left_ms
                  from public.sessions`;

interface Raw {
  id: string;
  user_id: string;
  kind: SessionKind;
  state: 'signed-in' | 'pending-second-factor';
  started_at: Date;
  last_used_at: Date;
  reauthenticated_at: Date | null;
  ended_at: Date | null;
  ended_reason: string | null;
  viewing_as: string | null;
  viewing_as_reason: string | null;
  view_left_ms: string | number | null;
}

const rowOf = (raw: Raw, now: number): SessionRow => ({
  id: raw.id,
  userId: raw.user_id,
  kind: raw.kind,
  startedAt: new Date(raw.started_at).getTime(),
  lastUsedAt: new Date(raw.last_used_at).getTime(),
  reauthenticatedAt: raw.reauthenticated_at ? new Date(raw.reauthenticated_at).getTime() : null,
  pendingSecondFactor: raw.state === 'pending-second-factor',
  endedReason: raw.ended_reason,
  ended: raw.ended_at !== null,
  view:
    raw.view_left_ms === null || raw.viewing_as_reason === null
      ? null
      : {
          userId: raw.viewing_as,
          reason: raw.viewing_as_reason,
          endsAt: now + Number(raw.view_left_ms),
        },
});

/**
 * Signed-in sessions, as rows of public.sessions shared by every console on
 * the database; a window holds the secret, the row only its SHA-256. A
 * session ends after 30 idle minutes and 12 hours after it began however
 * busy; the database ends a user's sessions when what they signed in as
 * changes (public migration 13). Rows read are kept in the SignedInCache,
 * which forgets them whenever the database announces a change to a session.
 */
export class SessionStore {
  readonly #root: EntityManager;
  readonly #cache: SessionCache;
  readonly #now: () => number;
  /** This console's latest use of each session it served (the row's is written once a minute). */
  readonly #used = new Map<string, number>();
  /** The last use this console wrote for each session. */
  readonly #written = new Map<string, number>();

  constructor(root: EntityManager, cache: SessionCache, now: () => number = Date.now) {
    this.#root = root;
    this.#cache = cache;
    this.#now = now;
  }

  now(): number {
    return this.#now();
  }

  /**
   * A new session for the user, in `em`'s transaction; its secret is
   * returned once and never stored. A replacement carries its predecessor's
   * start (and last re-authentication). A session that still waits for the
   * second factor's code has no re-authentication yet. Rows of the user's
   * that ended a day ago go.
   */
  async open(
    em: EntityManager,
    userId: string,
    kind: SessionKind,
    carried?: Carried,
    pendingSecondFactor = false,
  ): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.#now();
    await em.execute(
      `delete from public.sessions
        where user_id = ? and (ended_at < ? or started_at < ?)`,
      [
        userId,
        new Date(now - KEPT_AFTER_END_MS),
        new Date(now - ABSOLUTE_LIFETIME_MS - KEPT_AFTER_END_MS),
      ],
    );
    await em.execute(
      `insert into public.sessions
         (user_id, secret_hash, kind, state, started_at, last_used_at, reauthenticated_at)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [
        userId,
        hashOf(secret),
        kind,
        pendingSecondFactor ? 'pending-second-factor' : 'signed-in',
        new Date(carried?.startedAt ?? now),
        new Date(now),
        pendingSecondFactor
          ? null
          : carried
            ? carried.reauthenticatedAt === null
              ? null
              : new Date(carried.reauthenticatedAt)
            : new Date(now),
      ],
    );
    return secret;
  }

  /** The session a window's secret names, kept or read. */
  async #row(secret: string): Promise<SessionRow | null> {
    const hash = hashOf(secret);
    return this.#cache.session(hash.toString('hex'), async () => {
      const [raw] = await this.#root
        .fork()
        .execute<Raw[]>(`${SELECT} where secret_hash = ?`, [hash]);
      return raw ? rowOf(raw, this.#now()) : null;
    });
  }

  /** Why a live row is over by now, or null while it is not. */
  #expiry(row: SessionRow, now: number): string | null {
    if (row.pendingSecondFactor && now - row.startedAt > PENDING_SECOND_FACTOR_LIFETIME_MS)
      return 'The sign-in waited more than 5 minutes for its code; sign in again';
    if (now - row.startedAt > ABSOLUTE_LIFETIME_MS)
      return 'Your session ended after 12 hours; sign in again';
    const lastUse = Math.max(row.lastUsedAt, this.#used.get(row.id) ?? 0);
    if (now - lastUse > IDLE_TIMEOUT_MS)
      return 'Your session ended after 30 minutes without activity; sign in again';
    return null;
  }

  /**
   * The session behind a window's secret: live (and, when `use`, marked
   * used), ended and why, or none. One found over its time is ended here.
   */
  async find(secret: string | undefined, use: boolean): Promise<SessionState> {
    if (!secret) return NONE;
    const row = await this.#row(secret);
    if (!row) return NONE;
    if (row.ended) return { state: 'ended', reason: row.endedReason ?? 'Sign in to continue' };
    const now = this.#now();
    const expired = this.#expiry(row, now);
    if (expired) {
      await this.end(this.#root.fork(), row.id, expired);
      return { state: 'ended', reason: expired };
    }
    if (use) await this.#use(row, now);
    return { state: 'live', session: row };
  }

  /** Remembers the use; writes it when the row's is over a minute old. */
  async #use(row: SessionRow, now: number): Promise<void> {
    if (this.#used.size >= REMEMBERED) this.#forgetUse(this.#used.keys().next().value as string);
    this.#used.delete(row.id);
    this.#used.set(row.id, now);
    const written = Math.max(row.lastUsedAt, this.#written.get(row.id) ?? 0);
    if (now - written < TOUCH_EVERY_MS) return;
    this.#written.set(row.id, now);
    await this.#root
      .fork()
      .execute('update public.sessions set last_used_at = ? where id = ? and ended_at is null', [
        new Date(now),
        row.id,
      ]);
  }

  #forgetUse(id: string): void {
    this.#used.delete(id);
    this.#written.delete(id);
  }

  /** Ends one session, saying why to whoever holds it. */
  async end(em: EntityManager, id: string, reason: string): Promise<void> {
    this.#forgetUse(id);
    await em.execute(
      'update public.sessions set ended_at = ?, ended_reason = ? where id = ? and ended_at is null',
      [new Date(this.#now()), reason, id],
    );
    this.#cache.forget();
  }

  /** Ends every session of a user but `except`; the number ended. */
  async endAllOf(
    em: EntityManager,
    userId: string,
    reason: string,
    except?: string,
  ): Promise<number> {
    const ended = await em.execute<{ id: string }[]>(
      `update public.sessions set ended_at = ?, ended_reason = ?
        where user_id = ? and ended_at is null ${except ? 'and id <> ?' : ''}
        returning id`,
      [new Date(this.#now()), reason, userId, ...(except ? [except] : [])],
    );
    for (const { id } of ended) this.#forgetUse(id);
    this.#cache.forget();
    return ended.length;
  }

  /** The user's sessions still in their time, newest use first. */
  async liveOf(em: EntityManager, userId: string): Promise<SessionRow[]> {
    const now = this.#now();
    const rows = (
      await em.execute<Raw[]>(`${SELECT} where user_id = ? and ended_at is null`, [userId])
    ).map((raw) => rowOf(raw, now));
    return rows
      .filter((row) => this.#expiry(row, now) === null)
      .map((row) => ({ ...row, lastUsedAt: Math.max(row.lastUsedAt, this.#used.get(row.id) ?? 0) }))
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt);
  }

  /** The session shows what `userId` sees, for `reason`, for 30 minutes of the database's clock. */
  async startView(em: EntityManager, id: string, userId: string, reason: string): Promise<void> {
    await em.execute(
      `update public.sessions
          set viewing_as = ?, viewing_as_reason = ?,
              viewing_as_until = now() + make_interval(secs => ?)
        where id = ? and ended_at is null`,
      [userId, reason, VIEW_LIFETIME_MS / 1000, id],
    );
    this.#cache.forget();
  }

  /**
   * Clears the session's view; what it was (its user, null when deleted, and
   * reason), or null when another call or console cleared it first.
   */
  async endView(
    em: EntityManager,
    id: string,
  ): Promise<{ userId: string | null; reason: string } | null> {
    const [was] = await em.execute<{ viewing_as: string | null; viewing_as_reason: string }[]>(
      `update public.sessions s
          set viewing_as = null, viewing_as_reason = null, viewing_as_until = null
         from (select id, viewing_as, viewing_as_reason from public.sessions
                where id = ? and viewing_as_until is not null for update) was
        where s.id = was.id
        returning was.viewing_as, was.viewing_as_reason`,
      [id],
    );
    this.#cache.forget();
    return was ? { userId: was.viewing_as, reason: was.viewing_as_reason } : null;
  }

  /** The password (and code where enrolled) was entered again just now in this session. */
  async reauthenticated(em: EntityManager, id: string): Promise<void> {
    await em.execute('update public.sessions set reauthenticated_at = ? where id = ?', [
      new Date(this.#now()),
      id,
    ]);
    this.#cache.forget();
  }

  /** The second factor's code was right: the session is signed in, its password just entered. */
  async secondFactorVerified(em: EntityManager, id: string): Promise<void> {
    await em.execute(
      `update public.sessions set state = 'signed-in', reauthenticated_at = ?
        where id = ? and state = 'pending-second-factor' and ended_at is null`,
      [new Date(this.#now()), id],
    );
    this.#cache.forget();
  }
}
