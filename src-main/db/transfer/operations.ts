import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { APP_VERSION } from '../../version.ts';
import { openArchiveSource, writeArchive, type ArchiveProgress } from './archive.ts';
import { copyIntoDatabase, TransferError, type CopyIntoOptions } from './copy-into.ts';
import type { BackupReport, TransferReport } from '../../../src-shared/contract.ts';
import { openDatabaseSource, type TransferSource } from './source.ts';

/*
 * The three things the console and `npm run db:*` do with whole databases.
 * The source is only ever read (one read-only snapshot).
 */

async function reading<T>(
  opened: Promise<TransferSource>,
  use: (source: TransferSource) => Promise<T>,
): Promise<T> {
  const source = await opened;
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

/** The same server and database, however the URLs differ in user or password. */
function sameDatabase(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.host === y.host && x.pathname === y.pathname;
  } catch {
    return false;
  }
}

/** Copies the database at `from` into the empty database at `to`, verified. */
export async function moveDatabase(
  from: string,
  to: string,
  options: CopyIntoOptions = {},
): Promise<TransferReport> {
  if (sameDatabase(from, to))
    throw new TransferError('The target is the database being moved: name another one.');
  return reading(openDatabaseSource(from), (source) => copyIntoDatabase(source, to, options));
}

export async function backupDatabase(
  from: string,
  file: string,
  onProgress?: (progress: ArchiveProgress) => void,
): Promise<BackupReport> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  return reading(openDatabaseSource(from), async (source) => {
    const written = await writeArchive(source, file, {
      app: APP_VERSION,
      ...(onProgress ? { onProgress } : {}),
    });
    return { file, bytes: written.bytes, tables: written.sections, rows: written.rows };
  });
}

/**
 * Restores an archive into an empty database. Opening the archive reads and
 * checks all of it, and the copy checks its migration levels before it
 * connects: a damaged or newer archive writes nothing.
 */
export function restoreArchive(
  file: string,
  to: string,
  options: CopyIntoOptions = {},
): Promise<TransferReport> {
  return reading(openArchiveSource(file), (source) => copyIntoDatabase(source, to, options));
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
