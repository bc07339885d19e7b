import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAILY_BACKUPS_KEPT, dailyBackupsKeptField } from '../../src-shared/domain/fields.ts';

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

/** The daily backups to keep: the saved number when Settings would accept it (a hand-edited file may hold anything), else 7. */
export function keptDailyBackups(settings: StoredSettings): number {
  const keep = dailyBackupsKeptField.safeParse(settings.backups?.keep);
  return keep.success ? keep.data : DAILY_BACKUPS_KEPT.byDefault;
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
