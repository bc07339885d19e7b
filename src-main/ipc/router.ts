import type { EntityManager } from '@mikro-orm/postgresql';
import {
  contract,
  isChannel,
  PUBLIC_CHANNELS,
  type Channel,
  type Result,
} from '../../src-shared/contract.ts';
import { AppError, isAppError } from '../../src-shared/errors.ts';
import { sessionUser, type SignInResult } from '../services/auth.ts';
import { appErrorOf } from '../services/db-errors.ts';
import { ANONYMOUS_ACTOR, type ServiceContext } from '../services/context.ts';
import type { PasswordHasher } from '../services/password-hasher.ts';
import type { SessionStore } from '../services/sessions.ts';
import type { Environment } from '../services/settings.ts';
import { fieldErrorsOf, validationError } from '../services/validation.ts';
import type { ProgressEvent } from '../../src-shared/channels.ts';
import { handlers } from './handlers.ts';
import type { SessionSlot } from './session-slot.ts';

export interface RouterDeps {
  em: EntityManager;
  passwords: PasswordHasher;
  sessions: SessionStore;
  /** Where INTERNAL errors go with their full detail; the caller only sees a reference. */
  logError: (message: string, error: unknown) => void;
  emit?: (event: ProgressEvent) => void;
  environment: Environment;
}

export interface Router {
  dispatch(slot: SessionSlot, channel: string, rawInput: unknown): Promise<Result<unknown>>;
}

/**
 * Transport-free dispatch: validate the input with the contract, resolve the
 * actor from the slot's session, call the service, and shape every outcome
 * as {ok, data} or {ok, error}. No SQL, stack or driver text leaves here.
 */
export function createRouter(deps: RouterDeps): Router {
  let incident = 0;

  /** The slot's signed-in user, read once per call; null when nobody is signed in. */
  const signedInUser = async (slot: SessionSlot): Promise<SignInResult | null> => {
    const userId = deps.sessions.touch(slot.sessionId);
    if (!userId) {
      slot.sessionId = undefined;
      return null;
    }
    const found = await sessionUser(deps.em, userId);
    if (!found) {
      deps.sessions.end(slot.sessionId);
      slot.sessionId = undefined;
      return null;
    }
    return found;
  };

  const run = async (slot: SessionSlot, channel: Channel, rawInput: unknown): Promise<unknown> => {
    const parsed = contract[channel].input.safeParse(rawInput ?? {});
    if (!parsed.success) throw validationError(fieldErrorsOf(parsed.error));
    const signedIn = await signedInUser(slot);
    if (!signedIn && !PUBLIC_CHANNELS.has(channel)) {
      throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
    }
    const ctx: ServiceContext = {
      em: deps.em,
      actor: signedIn?.actor ?? ANONYMOUS_ACTOR,
      passwords: deps.passwords,
      revokeSessions: (userId) => deps.sessions.endAllOf(userId),
    };
    const handler = handlers[channel] as (
      ctx: ServiceContext,
      input: unknown,
      call: Parameters<(typeof handlers)[Channel]>[2],
    ) => Promise<unknown>;
    return handler(ctx, parsed.data, {
      slot,
      user: signedIn?.user ?? null,
      signedIn: (result) => {
        deps.sessions.end(slot.sessionId);
        slot.sessionId = deps.sessions.create(result.user.id);
      },
      signOut: () => {
        deps.sessions.end(slot.sessionId);
        slot.sessionId = undefined;
      },
      emit: (event) => deps.emit?.(event),
      environment: deps.environment,
    });
  };

  return {
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
