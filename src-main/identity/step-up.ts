import type { ParsedInput } from '../../src-shared/contract.ts';
import type { Actor } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { User } from '../db/entities/index.ts';
import { recordAudit } from '../services/audit.ts';
import type { Caller, Work } from '../services/work.ts';
import { checkOwnPassword } from './own-password.ts';
import { checkOwnCode, hasSecondFactor } from './second-factor.ts';

/** How long a password entered again (or at sign-in) lets the guarded operations through. */
export const REAUTH_WINDOW_MS = 5 * 60 * 1000;

/**
 * Step-up: what cannot be undone, hands data elsewhere, or changes who may
 * sign in and how (an administrator made, two-step sign-in changed) needs
 * the password (and code) entered in this session within the last 5
 * minutes (signing in counts). The system (CLI, seeding) has no session to
 * ask.
 */
export function requireRecentPassword(actor: Actor, caller: Caller, now: number): void {
  if (actor.kind !== 'user') return;
  const at = caller.session?.reauthenticatedAt ?? null;
  if (at !== null && now - at <= REAUTH_WINDOW_MS && now >= at) return;
  // one message for every guarded channel (a deletion, an export, turning two-step sign-in off):
  // the console shows it in its prompt, and as the refusal when the operator cancels
  const message = caller.user?.secondFactor
    ? 'This action needs your password and a code from your authenticator app again. You last entered them more than 5 minutes ago.'
    : 'This action needs your password again. You last entered it more than 5 minutes ago.';
  throw new AppError('REAUTH_REQUIRED', message);
}

/**
 * auth.reauthenticate: the password typed again, and the second factor's
 * code where one is set up, open the 5 minutes for this session.
 */
export async function reauthenticate(
  w: Work,
  input: ParsedInput<'auth.reauthenticate'>,
): Promise<null> {
  const session = w.caller.session;
  if (!session || !w.caller.user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  const user = await w.em.findOneOrFail(User, w.caller.user.id, {
    populate: ['hashedPassword', 'organization'],
  });
  const enrolled = await hasSecondFactor(w.em, user.id);
  // asked before the password is tried: a missing code costs no attempt
  if (enrolled && input.code === undefined) {
    throw new AppError('VALIDATION', 'Enter the code from your authenticator app too', {
      code: 'is required',
    });
  }
  await checkOwnPassword(w, user, input.password, 'password');
  if (enrolled && input.code !== undefined) await checkOwnCode(w, user, input.code);
  const em = w.runtime.root.fork();
  await w.runtime.sessions.reauthenticated(em, session.id);
  await recordAudit(em, w.actor, {
    action: 'auth.reauthenticate',
    organizationId: user.organization.id,
    targetType: 'user',
    targetId: user.id,
  });
  return null;
}
