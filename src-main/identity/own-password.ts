import { passwordByteLength, PASSWORD_MAX_BYTES } from '../../src-shared/domain/password.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { User } from '../db/entities/index.ts';
import { settleAttempt, startAttempt } from '../services/sign-in-throttle.ts';
import type { Work } from '../services/work.ts';

/**
 * The signed-in user's own password, typed again (a password change, a
 * step-up). Each try counts like a sign-in in the database's throttle: the
 * fifth wrong one locks the email and ends every session of the user. A
 * wrong one is a field error on `field`. `user` has its hash loaded.
 */
export async function checkOwnPassword(
  w: Work,
  user: User,
  password: string,
  field: string,
): Promise<void> {
  const { root, passwords, sessions } = w.runtime;
  await startAttempt(root, user.email);
  const fits = passwordByteLength(password) <= PASSWORD_MAX_BYTES;
  const matches = (await passwords.compare(fits ? password : '', user.hashedPassword)) && fits;
  const locked = await settleAttempt(root, user.email, matches, user.organization.id);
  if (locked) {
    await sessions.endAllOf(root.fork(), user.id, locked.message);
    await w.caller.signOut();
    throw locked;
  }
  if (!matches) {
    const which = field === 'currentPassword' ? 'The current password' : 'The password';
    throw new AppError('VALIDATION', `${which} is not correct`, { [field]: 'is not correct' });
  }
}
