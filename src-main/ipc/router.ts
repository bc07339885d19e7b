import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { isChannel, type Result } from '../../src-shared/contract.ts';
import { mayHear } from '../../src-shared/domain/events.ts';
import { ANONYMOUS_ACTOR } from '../../src-shared/domain/permissions.ts';
import { AppError, isAppError } from '../../src-shared/errors.ts';
import { organizationRow } from '../db/tenancy.ts';
import { SessionStore, type SessionRow } from '../identity/sessions.ts';
import { SignedInCache } from '../identity/signed-in-cache.ts';
import { sessionUser, type SignedIn } from '../identity/signed-in.ts';
import { closeView, viewOf, type View } from '../identity/view-as.ts';
import { appErrorOf } from '../services/db-errors.ts';
import type { PasswordHasher } from '../services/password-hasher.ts';
import { TenantFailures } from '../services/tenant-failures.ts';
import type { Caller, Environment, Invoke } from '../services/work.ts';
import { createRegistry } from './registry/compose.ts';
import type { SessionSlot } from './session-slot.ts';

export interface RouterDeps {
  em: EntityManager;
  passwords: PasswordHasher;
  /** Where INTERNAL errors go with their full detail; the caller only sees a reference. */
  logError: (message: string, error: unknown) => void;
  emit?: (event: FleetEvent) => void;
  environment: Environment;
  /** The tenants the start-up fan-out could not migrate (Tenancy shows them). */
  tenantFailures?: TenantFailures;
  /**
   * Sessions, who each signed-in user is and the organizations tenant calls
   * are about, kept while the database's changes are heard; without it every
   * call reads them.
   */
  signedIn?: SignedInCache;
  /** The clock sessions are timed by (tests move it). */
  now?: () => number;
}

export interface Router {
  dispatch(slot: SessionSlot, channel: string, rawInput: unknown): Promise<Result<unknown>>;
  /**
   * Whether the window may be sent an event, by the one rule of
   * src-shared/domain/events.ts, judged on who its session's user is now.
   */
  mayReceive(slot: SessionSlot, event: FleetEvent): Promise<boolean>;
  /** Channels as the system (seeding, the CLI): same checks, no session. */
  system: Invoke;
  /** The sessions of every console on the database. */
  sessions: SessionStore;
  tenantFailures: TenantFailures;
}

/**
 * Who a window's session says is calling: nobody, someone whose session
 * ended (and why), or a user, with the view as another user it holds.
 */
type Current =
  | { signedIn: null; session: null; ended: string | null; view: null }
  | { signedIn: SignedIn; session: SessionRow; ended: null; view: View };

/** The actor a session's calls and events are judged as: the viewed user while a view is live. */
const actorNow = (now: Current) =>
  now.view?.state === 'live' ? now.view.as.actor : (now.signedIn?.actor ?? ANONYMOUS_ACTOR);

/**
 * Transport-free dispatch: resolve the caller from the slot's session, hand
 * the call to the registry (which validates, checks, scopes and audits it),
 * and shape every outcome as {ok, data} or {ok, error}. No SQL, stack or
 * driver text leaves here.
 */
export function createRouter(deps: RouterDeps): Router {
  let incident = 0;
  const queues = new Map<string, Promise<unknown>>();
  const tenantFailures = deps.tenantFailures ?? new TenantFailures();
  const known = deps.signedIn ?? new SignedInCache();
  const sessions = new SessionStore(deps.em, known, deps.now);
  const registry = createRegistry(
    {
      root: deps.em,
      passwords: deps.passwords,
      environment: deps.environment,
      tenantFailures,
      sessions,
      emit: (event) => deps.emit?.(event),
      serially: (key, work) => {
        const next = (queues.get(key) ?? Promise.resolve()).then(work);
        queues.set(
          key,
          next.catch(() => undefined),
        );
        return next;
      },
    },
    () => known.forget(),
    (id) => known.organization(id, () => organizationRow(deps.em.fork(), id)),
  );

  /** The slot's session and its user as they are now (kept or read); `use` marks it used. */
  const current = async (secret: string | undefined, use: boolean): Promise<Current> => {
    const found = await sessions.find(secret, use);
    if (found.state !== 'live')
      return {
        signedIn: null,
        session: null,
        ended: found.state === 'ended' ? found.reason : null,
        view: null,
      };
    const { session } = found;
    const read = (userId: string) => known.read(userId, () => sessionUser(deps.em, userId));
    const signedIn = await read(session.userId);
    if (!signedIn) {
      // confirmed no more, or their organization canceled: the session is over everywhere
      if (use) await sessions.end(deps.em.fork(), session.id, 'Sign in to continue');
      return { signedIn: null, session: null, ended: null, view: null };
    }
    const view = await viewOf(session, signedIn, read, sessions.now());
    return { signedIn, session, ended: null, view };
  };

  /** Ends the session's view (if any is left), recorded as the administrator's. */
  const endView = (em: EntityManager, session: SessionRow, by: SignedIn, why: string) =>
    session.view ? closeView(em, sessions, session.id, by.user, why) : Promise.resolve();

  const run = async (
    slot: SessionSlot,
    channel: Parameters<typeof registry.call>[0],
    input: unknown,
  ) => {
    let held = slot.sessionId;
    let now = await current(held, true);
    // another call of this window replaced the session meanwhile (a password change): use its
    // replacement, and never forget a secret the window has moved on from only
    if (!now.session && slot.sessionId !== held) now = await current((held = slot.sessionId), true);
    if (!now.session && slot.sessionId === held) slot.sessionId = undefined;
    const { signedIn, session, ended, view } = now;
    let viewEnded: string | null = null;
    if (session && view?.state === 'over') {
      await deps.em.fork().transactional((tx) => endView(tx, session, signedIn, view.why));
      viewEnded = view.why;
    }
    const kind = slot.kind ?? 'headless';
    /** The secret the window holds once the call has succeeded (a sign-in, a replacement). */
    let next: string | null = null;
    const caller: Caller = {
      user: signedIn?.user ?? null,
      session: session && {
        id: session.id,
        startedAt: session.startedAt,
        reauthenticatedAt: session.reauthenticatedAt,
        pendingSecondFactor: session.pendingSecondFactor,
      },
      viewingAs: view?.state === 'live' ? { user: view.as.user, reason: view.reason } : null,
      viewEnded,
      files: slot.files,
      signedIn: async (em, user, pendingSecondFactor = false) => {
        if (session) {
          await endView(em, session, signedIn, 'signed in again');
          await sessions.end(em, session.id, 'Signed in again in this window');
        }
        next = await sessions.open(em, user.id, kind, undefined, pendingSecondFactor);
      },
      renewed: async (em) => {
        if (!session) return;
        next = await sessions.open(em, session.userId, kind, {
          startedAt: session.startedAt,
          reauthenticatedAt: session.reauthenticatedAt,
        });
      },
      signOut: async (em = deps.em.fork()) => {
        if (session) {
          await endView(em, session, signedIn, 'signed out');
          await sessions.end(em, session.id, 'You signed out');
        }
        slot.sessionId = undefined;
      },
    };
    try {
      const result = await registry.call(channel, input, { actor: actorNow(now), caller });
      if (next !== null) slot.sessionId = next;
      return result;
    } catch (error) {
      // a right password whose second factor is due: the window waits for the code in its session
      if (next !== null && isAppError(error) && error.code === 'SECOND_FACTOR_REQUIRED') {
        slot.sessionId = next;
      }
      // a session that just ran out says why, instead of a bare "sign in"
      if (ended && isAppError(error) && error.code === 'UNAUTHENTICATED') {
        throw new AppError('UNAUTHENTICATED', ended);
      }
      throw error;
    }
  };

  return {
    system: registry.system,
    sessions,
    async mayReceive(slot, event) {
      const now = await current(slot.sessionId, false);
      // nobody is signed in until the second factor's code is
      return mayHear(now.session?.pendingSecondFactor ? ANONYMOUS_ACTOR : actorNow(now), event);
    },
    tenantFailures,
    async dispatch(slot, channel, rawInput) {
      if (!isChannel(channel)) {
        return {
          ok: false,
          error: { code: 'NOT_FOUND', message: `Unknown channel: ${channel.slice(0, 100)}` },
        };
      }
      try {
        return { ok: true, data: await run(slot, channel, rawInput) };
      } catch (error) {
        const known = appErrorOf(error);
        if (known) {
          if (!isAppError(error)) deps.logError(`${channel}: ${known.code}`, error);
          return { ok: false, error: known.toShape() };
        }
        incident += 1;
        const reference = `${Date.now().toString(36)}-${incident}`;
        deps.logError(`${channel}: internal error ${reference}`, error);
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: `Something went wrong (reference ${reference}); see the log`,
          },
        };
      }
    },
  };
}
