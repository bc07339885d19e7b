import { utf8ByteLength } from './utf8.ts';

export const PASSWORD_MIN_BYTES = 8;
/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordByteLength(password: string): number {
  return utf8ByteLength(password);
}

export function passwordProblem(password: string): string | null {
  const bytes = passwordByteLength(password);
  if (bytes < PASSWORD_MIN_BYTES) return `must be at least ${PASSWORD_MIN_BYTES} bytes`;
  if (bytes > PASSWORD_MAX_BYTES)
    return `must be at most ${PASSWORD_MAX_BYTES} bytes (bcrypt limit)`;
  return null;
}
