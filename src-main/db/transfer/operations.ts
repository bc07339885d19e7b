import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { APP_VERSION } from '../../version.ts';
import { openArchiveSource, writeArchive, type ArchiveProgress } from './archive.ts';
import { checkLevels, copyIntoDatabase, type CopyIntoOptions } from './copy-into.ts';
import type { BackupReport, TransferReport } from '../../../src-shared/contract.ts';
import { openDatabaseSource } from './source.ts';

/*
 * The three things the console and `npm run db:*` do with whole databases.
 * The source is only ever read (one read-only snapshot).
 */

/** Copies the database at `from` into the empty database at `to`, verified. */
export async function moveDatabase(
  from: string,
  to: string,
  options: CopyIntoOptions = {},
): Promise<TransferReport> {
  const source = await openDatabaseSource(from);
  try {
    return await copyIntoDatabase(source, to, options);
  } finally {
    await source.close();
  }
}

export async function backupDatabase(
  from: string,
  file: string,
  onProgress?: (progress: ArchiveProgress) => void,
): Promise<BackupReport> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const source = await openDatabaseSource(from);
  try {
    const written = await writeArchive(source, file, {
      app: APP_VERSION,
      ...(onProgress ? { onProgress } : {}),
    });
    return { file, bytes: written.bytes, tables: written.sections, rows: written.rows };
  } finally {
    await source.close();
  }
}

/** Restores a checked archive into an empty database; a damaged or newer archive writes nothing. */
export async function restoreArchive(
  file: string,
  to: string,
  options: CopyIntoOptions = {},
): Promise<TransferReport> {
  // opening checks the whole archive first; nothing is written before both checks
  const source = await openArchiveSource(file);
  try {
    const { manifest } = source;
    checkLevels(manifest.description, `The backup ${file} (FleetPrompt ${manifest.app})`);
    return await copyIntoDatabase(source, to, options);
  } finally {
    await source.close();
  }
}

/** `<prefix><UTC time to the millisecond>.fpbackup`: sorts by time, never two alike in a folder. */
export function backupFileName(prefix: string): string {
  return `${prefix}${new Date().toISOString().replaceAll(':', '-')}.fpbackup`;
}

const KEPT_AUTOMATIC_BACKUPS = 3;
const AUTOMATIC_PREFIX = 'before-migration-';

/**
 * Backs the database up into `<dataDir>/backups` before start-up applies new
 * migrations, keeping the last three such backups; answers the file.
 */
export async function backupBeforeMigrating(url: string, dataDir: string): Promise<string> {
  const folder = join(dataDir, 'backups');
  const file = join(folder, backupFileName(AUTOMATIC_PREFIX));
  await backupDatabase(url, file);
  const automatic = (await readdir(folder))
    .filter((name) => name.startsWith(AUTOMATIC_PREFIX) && name.endsWith('.fpbackup'))
    .sort();
  for (const old of automatic.slice(0, -KEPT_AUTOMATIC_BACKUPS))
    await rm(join(folder, old), { force: true });
  return file;
}
