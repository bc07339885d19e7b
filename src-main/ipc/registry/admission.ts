import type { EntityManager } from '@mikro-orm/postgresql';
import {
  decide,
  mayEver,
  type Actor,
  type Capability,
  type Target,
} from '../../../src-shared/domain/permissions.ts';
import { AppError } from '../../../src-shared/errors.ts';
import { requireRecentPassword } from '../../identity/step-up.ts';
import { viewEndedMessage } from '../../identity/view-as.ts';
import {
  changesSomething,
  loosely,
  type AnyRegistration,
  type Frame,
  type Input,
} from './registration-shape.ts';

/** The decision on a call, made before its work; the record's part once it is loaded. */
export interface Admission {
  capability: Capability | null;
  /** Decides on the loaded record, when it is a user or an organization (it says whose it is). */
  admitRecord(owner: Target): void;
}

function refuse(actor: Actor, capability: Capability | null, target: Target): void {
  if (capability === null) return;
  const decision = decide(actor, capability, target);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
}

/**
 * A view as another user is read-only, whatever that user may do: decided
 * here for every channel that may change anything, from its declaration.
 * A write from a window whose view has just ended is refused too, once: the
 * window may still show the view, and its operator expects a refusal.
 */
function refuseWhileViewing(reg: AnyRegistration, { caller }: Frame): void {
  if (!changesSomething(reg) || reg.whileViewingAs) return;
  if (caller.viewingAs)
    throw new AppError(
      'READ_ONLY_VIEW',
      `You are viewing the console as ${caller.viewingAs.user.email}: nothing can be changed until you end the view`,
    );
  if (caller.viewEnded) throw new AppError('READ_ONLY_VIEW', viewEndedMessage(caller.viewEnded));
}

/**
 * Whether the caller may make this call, in order: a sign-in waiting for its
 * second factor's code hears only that code; a view as another user changes
 * nothing; a password someone else set is changed first; an administrator
 * who must set up two-step sign-in does so; a signed-in channel needs someone signed in; the
 * access table decides on the input (or, for a user or organization record,
 * once it is loaded); then step-up, so that a refusal stays a refusal rather
 * than a password prompt.
 */
export async function admit(
  reg: AnyRegistration,
  input: Input,
  { actor, caller }: Frame,
  root: EntityManager,
  now: number,
): Promise<Admission> {
  if (caller.session?.pendingSecondFactor && reg.beforeSecondFactor !== 'code') {
    throw new AppError(
      'SECOND_FACTOR_REQUIRED',
      'Enter the code from your authenticator app to finish signing in',
    );
  }
  refuseWhileViewing(reg, { actor, caller });
  if (caller.user?.mustChangePassword && !reg.beforePasswordChange) {
    throw new AppError(
      'PASSWORD_CHANGE_REQUIRED',
      'Choose a new password first: the current one was set by someone else',
    );
  }
  if (
    caller.user?.mustEnrollSecondFactor &&
    !reg.beforePasswordChange &&
    reg.beforeSecondFactor === undefined
  ) {
    throw new AppError(
      'SECOND_FACTOR_REQUIRED',
      'Set up two-step sign-in first: administrators must use it',
    );
  }
  if (reg.access === 'signedIn' && actor.kind === 'anonymous') {
    throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  }
  const capability =
    reg.access === 'public' || reg.access === 'signedIn'
      ? null
      : typeof reg.access === 'function'
        ? (loosely(reg.access)(input) as unknown as Capability)
        : reg.access;
  const organizationId =
    typeof input.organizationId === 'string' ? input.organizationId : undefined;
  const facts = (reg.target ? await loosely(reg.target)(input, root.fork()) : {}) as Target;
  const guarded =
    reg.stepUp === true ||
    (typeof reg.stepUp === 'function' &&
      (reg.stepUp as (input: Input, actor: Actor) => boolean)(input, actor));
  const stepUp = () => {
    if (guarded) requireRecentPassword(actor, caller, now);
  };
  // a user or organization record says itself whom it belongs to: decided once it is loaded
  const ownedRecord = reg.load === 'user' || reg.load === 'organization';
  if (!ownedRecord) {
    refuse(actor, capability, { organizationId, ...facts });
    stepUp();
  } else if (capability !== null) {
    const ever = mayEver(actor, capability);
    if (!ever.allowed) throw new AppError(ever.code, ever.message);
  }
  return {
    capability,
    admitRecord: (owner) => {
      if (!ownedRecord) return;
      refuse(actor, capability, { ...owner, ...facts });
      stepUp();
    },
  };
}
