import { useSyncExternalStore } from 'react';

/*
 * Why the console last returned to sign-in on its own (a session that ran
 * out, an account that was changed): the sign-in screen says so.
 */
let reason: string | null = null;
const listeners = new Set<() => void>();

function publish(next: string | null): void {
  reason = next;
  for (const listener of listeners) listener();
}

export function sessionEnded(why: string): void {
  publish(why);
}

export function clearSessionEnd(): void {
  publish(null);
}

export function useSessionEnd(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => reason,
  );
}
