import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where Electron's binary is, as the `electron` package would find it, but
 * without its fallback of downloading it (which cannot work offline): null
 * when it was never installed.
 */
export function electronBinary(projectRoot: string, env: NodeJS.ProcessEnv): string | null {
  const packageDir = join(projectRoot, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable ?? 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  if (!executable) return null;
  const full = join(packageDir, 'dist', executable);
  return existsSync(full) ? full : null;
}
