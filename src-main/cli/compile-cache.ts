import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Turns on Node's on-disk compile cache for this process, before the
 * console's modules are imported (so the caller imports them dynamically).
 * The cache holds code Node will run, so it lives in a folder of the user's
 * own (`~/.cache/fleetprompt/compile-cache`), not in Node's default under
 * the shared temporary folder, where another user could have made it
 * first; NODE_COMPILE_CACHE still chooses another. Never fails: without a
 * cache the modules compile as they load.
 */
export function useCompileCache(): void {
  enableCompileCache(
    process.env.NODE_COMPILE_CACHE || join(homedir(), '.cache', 'fleetprompt', 'compile-cache'),
  );
}
