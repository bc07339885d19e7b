import { utf8ByteLength } from './utf8.ts';

export const PASSWORD_MIN_BYTES = 8;
/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordByteLength(password: string): number {
  return utf8ByteLength(password);
}

/** Said in characters: accented letters and emoji take more than one of the 72 bytes, and say so. */
export const PASSWORD_TOO_LONG = `must be at most ${PASSWORD_MAX_BYTES} characters (fewer with accented letters or emoji)`;
export const PASSWORD_RULE = `At least ${PASSWORD_MIN_BYTES} characters, at most ${PASSWORD_MAX_BYTES} (fewer with accented letters or emoji)`;

export function passwordProblem(password: string): string | null {
  const bytes = passwordByteLength(password);
  if (bytes < PASSWORD_MIN_BYTES) return `must be at least ${PASSWORD_MIN_BYTES} characters`;
  if (bytes > PASSWORD_MAX_BYTES) return PASSWORD_TOO_LONG;
  return null;
}
