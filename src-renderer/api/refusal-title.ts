import type { ErrorCode } from '../../src-shared/errors.ts';

/*
 * The one title a refusal's notification has, saying what happened; its
 * message (from the main process) says why and what to do.
 */

const TITLES: Record<ErrorCode, string> = {
  VALIDATION: 'Not saved: check what was entered',
  UNAUTHENTICATED: 'Signed out',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'No longer there',
  CONFLICT: 'Changed by someone else',
  LIMIT_REACHED: 'Limit reached',
  INVALID_TRANSITION: 'Not possible in this state',
  LOCKED: 'Locked',
  PASSWORD_CHANGE_REQUIRED: 'Choose a new password first',
  REAUTH_REQUIRED: 'Confirm it is you first',
  SECOND_FACTOR_REQUIRED: 'Two-step sign-in first',
  READ_ONLY_VIEW: 'Read-only view: nothing was changed',
  UNAVAILABLE: 'The database is unavailable',
  MAINTENANCE: 'Under maintenance',
  INTERNAL: 'Something went wrong',
};

export function refusalTitle(code: ErrorCode): string {
  return TITLES[code];
}
