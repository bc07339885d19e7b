import { randomBytes, timingSafeEqual } from 'node:crypto';

export const LAUNCH_CODE_TTL_MS = 10_000;

export interface LaunchCodes {
  /** A new code, which voids the one issued before it: one valid code at a time. */
  issue(): string;
  /** Whether `presented` is the current code, unexpired; a match uses it up. */
  claim(presented: string): boolean;
}

/**
 * The one-time codes a browser launch carries instead of the session token:
 * the launcher's argv (and the browser's own) is readable by every local
 * user, so what it holds must be worthless seconds later or once used.
 */
export function createLaunchCodes(now: () => number = Date.now): LaunchCodes {
  let pending: { code: Buffer; expires: number } | null = null;
  return {
    issue() {
      const code = randomBytes(16).toString('base64url');
      pending = { code: Buffer.from(code), expires: now() + LAUNCH_CODE_TTL_MS };
      return code;
    },
    claim(presented) {
      if (!pending || pending.expires <= now()) {
        pending = null;
        return false;
      }
      const candidate = Buffer.from(presented);
      if (candidate.length !== pending.code.length || !timingSafeEqual(candidate, pending.code))
        return false;
      pending = null;
      return true;
    },
  };
}
