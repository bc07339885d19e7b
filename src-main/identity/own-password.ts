import { passwordByteLength, PASSWORD_MAX_BYTES } from '../../src-shared/domain/password.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { User } from '../db/entities/index.ts';
import { settleAttempt, startAttempt } from '../services/sign-in-throttle.ts';
import type { Work } from '../services/work.ts';

/**
 * One try at something only the signed-in user knows (their password, a
 * code of their second factor), counted like a sign-in in the database's
 * throttle before `matches` runs: the fifth wrong one locks the email and
 * ends every session of the user. `user` has its organization loaded.
 */
export async function tryOwnSecret(
  w: Work,
  user: User,
  matches: () => Promise<boolean>,
): Promise<boolean> {
  const { root, sessions } = w.runtime;
  await startAttempt(root, user.email);
  const matched = await matches();
  const locked = await settleAttempt(root, user.email, matched, user.organization.id);
  if (locked) {
    await sessions.endAllOf(root.fork(), user.id, locked.message);
    await w.caller.signOut();
    throw locked;
  }
  return matched;
}

/**
 * The signed-in user's own password, typed again (a password change, a
 * step-up), counted by tryOwnSecret. A wrong one is a field error on
 * `field`. `user` has its hash loaded.
 */
export async function checkOwnPassword(
  w: Work,
  user: User,
  password: string,
  field: string,
): Promise<void> {
  const fits = passwordByteLength(password) <= PASSWORD_MAX_BYTES;
  const matches = await tryOwnSecret(
    w,
    user,
    async () =>
      (await w.runtime.passwords.compare(fits ? password : '', user.hashedPassword)) && fits,
  );
  if (!matches) {
    const which = field === 'currentPassword' ? 'The current password' : 'The password';
    throw new AppError('VALIDATION', `${which} is not correct.`, {
      [field]: `${which} is not correct.`,
    });
  }
}
