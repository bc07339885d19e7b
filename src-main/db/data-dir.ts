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
