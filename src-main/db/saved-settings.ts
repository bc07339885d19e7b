import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the console keeps in its data directory between runs (settings.json,
 * mode 0600). A saved URL is kept whole, password included: the console
 * connects with it at its next start. Everything that shows it masks it.
 */
export interface StoredSettings {
  database?: { mode: 'embedded' } | { mode: 'url'; url: string };
  /** How many daily backups of the embedded database to keep. */
  backups?: { keep?: number };
}

/** The daily backups to keep: the saved number when it is a sensible one, else 7. */
export function keptDailyBackups(settings: StoredSettings): number {
  const keep = settings.backups?.keep;
  return Number.isInteger(keep) && keep !== undefined && keep >= 1 && keep <= 365 ? keep : 7;
}

const FILE = 'settings.json';

export async function readStoredSettings(dataDir: string): Promise<StoredSettings> {
  try {
    return JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as StoredSettings;
  } catch {
    return {};
  }
}

/**
 * Replaces the file at once (write, then rename), so a crash never leaves
 * half of it. The temporary file is made anew: a mode is set only on a file
 * writeFile creates, and one left by a crash may have another.
 */
export async function writeStoredSettings(
  dataDir: string,
  settings: StoredSettings,
): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const temporary = join(dataDir, `${FILE}.tmp`);
  await rm(temporary, { force: true });
  await writeFile(temporary, JSON.stringify(settings, null, 2), { mode: 0o600 });
  await rename(temporary, join(dataDir, FILE));
}
