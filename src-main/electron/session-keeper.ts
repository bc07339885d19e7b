import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as Electron from 'electron';

/** Where the app keeps its window's session secret between runs. */
export interface SessionKeeper {
  load(): string | undefined;
  save(secret: string | undefined): void;
}

/**
 * The session secret, encrypted with the operating system's keychain
 * (Electron's safeStorage) in one file of the data directory, so that the
 * app reopens signed in until the session's idle or absolute end. Where the
 * keychain is unavailable nothing is written: the app signs in each run.
 */
export function safeStorageKeeper(
  safeStorage: Pick<
    Electron.SafeStorage,
    'isEncryptionAvailable' | 'encryptString' | 'decryptString'
  >,
  file: string,
): SessionKeeper {
  return {
    load() {
      if (!safeStorage.isEncryptionAvailable()) return undefined;
      try {
        return safeStorage.decryptString(readFileSync(file)) || undefined;
      } catch {
        // none yet, or written under another keychain: sign in again
        return undefined;
      }
    },
    save(secret) {
      if (secret === undefined || !safeStorage.isEncryptionAvailable()) {
        rmSync(file, { force: true });
        return;
      }
      writeFileSync(file, safeStorage.encryptString(secret), { mode: 0o600 });
    },
  };
}
