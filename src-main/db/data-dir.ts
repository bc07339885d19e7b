import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data directory: FLEETPROMPT_HOME, else the folder Electron would pick
 * for app data ("userData") so the CLI and the app share one database.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLEETPROMPT_HOME) return env.FLEETPROMPT_HOME;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'FleetPrompt');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'FleetPrompt');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'FleetPrompt');
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a file is in the way',
  EEXIST: 'a file is in the way',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EDQUOT: 'the disk quota is exhausted',
};

export class DataDirError extends Error {
  constructor(dir: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | null)?.code ?? '';
    super(
      `The data directory ${dir} cannot be used (${REASONS[code] ?? (code || 'unknown problem')}). ` +
        'Free some space or fix its permissions, or set FLEETPROMPT_HOME to a writable folder.',
      { cause },
    );
    this.name = 'DataDirError';
  }
}

/** Creates the data directory and proves it is writable, so that trouble is reported in one clear sentence. */
export async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.R_OK | constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  } catch (error) {
    throw new DataDirError(dir, error);
  }
}
