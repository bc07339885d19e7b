import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { backupDatabase, backupFileName } from './operations.ts';

/*
 * While a console runs on the embedded database it backs it up once a day
 * into `<data directory>/backups` (a server's backups are its
 * administrator's business), keeping the last `keep` of them (7 unless
 * Settings say otherwise). Whether one is due is decided from the files
 * themselves, so consoles restarted often still take one a day, and a
 * console that was off for a week takes one as soon as it starts.
 */

export const DAILY_PREFIX = 'daily-';
const DAY_MS = 24 * 60 * 60 * 1000;

const dailyFiles = async (folder: string): Promise<string[]> =>
  (await readdir(folder).catch(() => []))
    .filter((name) => name.startsWith(DAILY_PREFIX) && name.endsWith('.fpbackup'))
    .sort();

/** Whether the newest daily backup in `folder` is a day old or more (or there is none). */
export async function dailyBackupDue(folder: string, now: number): Promise<boolean> {
  const newest = (await dailyFiles(folder)).at(-1);
  if (!newest) return true;
  const { mtimeMs } = await stat(join(folder, newest));
  return now - mtimeMs >= DAY_MS;
}

/** Takes a daily backup, then removes all but the newest `keep`; answers the file. */
export async function takeDailyBackup(url: string, dataDir: string, keep: number): Promise<string> {
  const folder = join(dataDir, 'backups');
  const file = join(folder, backupFileName(DAILY_PREFIX));
  await backupDatabase(url, file);
  for (const old of (await dailyFiles(folder)).slice(0, -Math.max(1, keep)))
    await rm(join(folder, old), { force: true });
  return file;
}

export interface DailyBackups {
  /** Checks now whether one is due and takes it (what the timer does each hour). */
  check(): Promise<string | null>;
  /** Stops the timer and waits for a backup under way. */
  stop(): Promise<void>;
}

export interface DailyBackupOptions {
  url: string;
  dataDir: string;
  /** How many daily backups to keep, read at each backup (Settings may change it). */
  keep: () => Promise<number>;
  log: (message: string, error?: unknown) => void;
  /** How often to look whether one is due. */
  everyMs?: number;
  now?: () => number;
}

/** Starts the daily backups: a look at start and then every hour; one backup at a time. */
export function scheduleDailyBackups(options: DailyBackupOptions): DailyBackups {
  const now = options.now ?? Date.now;
  let running: Promise<string | null> | null = null;
  const check = (): Promise<string | null> => {
    running ??= (async () => {
      try {
        if (!(await dailyBackupDue(join(options.dataDir, 'backups'), now()))) return null;
        const file = await takeDailyBackup(options.url, options.dataDir, await options.keep());
        options.log(`daily backup written: ${file}`);
        return file;
      } catch (error) {
        options.log('daily backup failed (tried again within the hour)', error);
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void check(), options.everyMs ?? 60 * 60 * 1000);
  timer.unref();
  const first = setTimeout(() => void check(), 0);
  first.unref();
  return {
    check,
    stop: async () => {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
