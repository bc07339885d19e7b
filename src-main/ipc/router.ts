import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { isChannel, type Result, type SessionUser } from '../../src-shared/contract.ts';
import { mayHear } from '../../src-shared/domain/events.ts';
import { ANONYMOUS_ACTOR, type Actor } from '../../src-shared/domain/permissions.ts';
import { AppError, isAppError } from '../../src-shared/errors.ts';
import { organizationRow } from '../db/tenancy.ts';
import { sessionUser } from '../services/auth.ts';
import { appErrorOf } from '../services/db-errors.ts';
import type { PasswordHasher } from '../services/password-hasher.ts';
import type { SessionStore } from '../services/sessions.ts';
import { TenantFailures } from '../services/tenant-failures.ts';
import type { Environment, Invoke } from '../services/work.ts';
import { createRegistry } from './registry/compose.ts';
import type { SessionSlot } from './session-slot.ts';
import { SignedInCache } from './signed-in-cache.ts';

export interface RouterDeps {
  em: EntityManager;
  passwords: PasswordHasher;
  sessions: SessionStore;
  /** Where INTERNAL errors go with their full detail; the caller only sees a reference. */
  logError: (message: string, error: unknown) => void;
  emit?: (event: FleetEvent) => void;
  environment: Environment;
  /** The tenants the start-up fan-out could not migrate (Tenancy shows them). */
  tenantFailures?: TenantFailures;
  /**
   * Who each signed-in user is and the organizations tenant calls are about,
   * kept while the database's changes are heard; without it every call reads them.
   */
  signedIn?: SignedInCache;
}

export interface Router {
  dispatch(slot: SessionSlot, channel: string, rawInput: unknown): Promise<Result<unknown>>;
  /** Whether the window may be sent an event, by the one rule of src-shared/domain/events.ts. */
  mayReceive(slot: SessionSlot, event: FleetEvent): boolean;
  /** Channels as the system (seeding, the CLI): same checks, no session. */
  system: Invoke;
  tenantFailures: TenantFailures;
}

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
  const registry = createRegistry(
    {
      root: deps.em,
      passwords: deps.passwords,
      environment: deps.environment,
      tenantFailures,
      endSessionsOf: (userId) => deps.sessions.endAllOf(userId),
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

  /** The slot's signed-in user, read (or known) once per call; null when nobody is signed in. */
  const signedInUser = async (slot: SessionSlot) => {
    const session = deps.sessions.touch(slot.sessionId);
    if (session.state !== 'live') {
      slot.sessionId = undefined;
      return { signedIn: null, ended: session.state === 'ended' ? session.reason : null };
    }
    const { userId } = session;
    const found = await known.read(userId, () => sessionUser(deps.em, userId));
    if (!found) {
      deps.sessions.end(slot.sessionId);
      slot.sessionId = undefined;
    }
    return { signedIn: found, ended: null };
  };

  const run = async (
    slot: SessionSlot,
    channel: Parameters<typeof registry.call>[0],
    input: unknown,
  ) => {
    const { signedIn, ended } = await signedInUser(slot);
    try {
      return await registry.call(channel, input, {
        actor: signedIn?.actor ?? ANONYMOUS_ACTOR,
        caller: {
          user: signedIn?.user ?? null,
          files: slot.files,
          signedIn: (user: SessionUser) => {
            deps.sessions.end(slot.sessionId);
            slot.sessionId = deps.sessions.create(user);
          },
          signOut: () => {
            deps.sessions.end(slot.sessionId);
            slot.sessionId = undefined;
          },
        },
      });
    } catch (error) {
      // a session that just ran out says why, instead of a bare "sign in"
      if (ended && isAppError(error) && error.code === 'UNAUTHENTICATED') {
        throw new AppError('UNAUTHENTICATED', ended);
      }
      throw error;
    }
  };

  return {
    system: registry.system,
    mayReceive(slot, event) {
      const holder = deps.sessions.holderOf(slot.sessionId);
      const actor: Actor = holder
        ? { kind: 'user', id: holder.userId, email: '', ...holder }
        : ANONYMOUS_ACTOR;
      return mayHear(actor, event);
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
