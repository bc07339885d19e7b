import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DamagedArchiveError } from '../../src-main/db/transfer/archive.ts';
import { TransferError } from '../../src-main/db/transfer/copy-into.ts';
import { FingerprintSum } from '../../src-main/db/transfer/copy-text.ts';
import {
  dailyBackupDue,
  scheduleDailyBackups,
  type DailyBackupOptions,
} from '../../src-main/db/transfer/daily-backups.ts';
import {
  backupFileName,
  moveDatabase,
  restoreArchive,
} from '../../src-main/db/transfer/operations.ts';

/*
 * What the whole-database operations decide before or without a database:
 * a move onto its own source, a damaged archive, the backup file's name,
 * when a daily backup is due and how the schedule runs. A server that
 * refuses every connection (a closed port) stands for one that is down;
 * the backups themselves are in daily-backups.test.ts and transfer.test.ts.
 */

const DOWN = 'postgres://postgres@127.0.0.1:1/fleet';
const DAY_MS = 24 * 60 * 60 * 1000;

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-operations-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

let dirs = 0;
const newDir = async () => {
  const dir = join(folder, `dir-${(dirs += 1)}`);
  await mkdir(dir);
  return dir;
};

describe('a move', () => {
  it('refuses a target that is its source, whoever signs in to it', async () => {
    await expect(
      moveDatabase(
        'postgres://ann:a@db.example:5432/fleet',
        'postgres://bo:b@db.example:5432/fleet',
      ),
    ).rejects.toThrow(
      new TransferError('The target is the database being moved: name another one.'),
    );
  });

  it('takes another database of the same server as another target', async () => {
    const moving = moveDatabase(DOWN, 'postgres://postgres@127.0.0.1:1/other');
    await expect(moving).rejects.not.toBeInstanceOf(TransferError);
  });

  it('takes the same database on another server as another target', async () => {
    const moving = moveDatabase(DOWN, 'postgres://postgres@127.0.0.2:1/fleet');
    await expect(moving).rejects.not.toBeInstanceOf(TransferError);
  });

  it('reads the source when a URL cannot be compared', async () => {
    const moving = moveDatabase(DOWN, 'not a url');
    await expect(moving).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('a restore', () => {
  it('refuses a damaged archive before it reaches the target', async () => {
    const file = join(folder, 'damaged.fpbackup');
    await writeFile(file, gzipSync('PGDMP\n'));
    await expect(restoreArchive(file, DOWN)).rejects.toBeInstanceOf(DamagedArchiveError);
  });

  it('closes the archive when the copy fails', async () => {
    const file = join(folder, 'newer.fpbackup');
    const rows = Array.from(
      { length: 4_000 },
      (_, i) => `${i}\t${randomBytes(72).toString('base64')}`,
    );
    const sum = new FingerprintSum(2);
    for (const row of rows) sum.add(row);
    const text = rows.map((row) => `${row}\n`).join('');
    const manifest = {
      app: '9.0.0',
      createdAt: '2026-12-05T21:00:00.000Z',
      source: 'postgres://db.example/fleet',
      description: {
        publicMigrations: ['9999-from-the-future'],
        publicTables: [{ name: 'events', columns: ['id', 'what'], identity: [] }],
        tenantShapes: [],
        tenants: [],
        sequences: [],
      },
    };
    const end = { ...sum.result(), sha256: createHash('sha256').update(text).digest('hex') };
    // half a megabyte: the restore's reader has read only its start when the copy refuses it
    await writeFile(
      file,
      gzipSync(
        `FLEETPROMPT-BACKUP 1\n${JSON.stringify(manifest)}\n` +
          `@copy {"schema":"public","table":"events"}\n${text}\\.\n@end ${JSON.stringify(end)}\n` +
          '@finish {"sections":1}\n',
      ),
    );
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    await expect(restoreArchive(file, DOWN)).rejects.toThrow(/made by a newer version/);
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });
});

describe("a backup's file name", () => {
  it('is the prefix and the UTC time to the millisecond, without colons', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-05T21:04:05.678Z'), toFake: ['Date'] });
    try {
      expect(backupFileName('daily-')).toBe('daily-2026-12-05T21-04-05.678Z.fpbackup');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a daily backup', () => {
  async function withBackups(names: [string, number][]): Promise<string> {
    const dir = await newDir();
    for (const [name, mtime] of names) {
      await writeFile(join(dir, name), '');
      await utimes(join(dir, name), mtime / 1000, mtime / 1000);
    }
    return dir;
  }
  const NOW = Date.parse('2026-12-06T12:00:00.000Z');

  it('is due when there is no folder of backups', async () => {
    expect(await dailyBackupDue(join(folder, 'no-such-folder'), NOW)).toBe(true);
  });

  it('is due when the folder holds only other files', async () => {
    const dir = await withBackups([
      ['before-migration-2026-12-06.fpbackup', NOW],
      ['daily-2026-12-06.txt', NOW],
      ['manual.fpbackup', NOW],
    ]);
    expect(await dailyBackupDue(dir, NOW)).toBe(true);
  });

  it('is not due while the newest is less than a day old', async () => {
    const dir = await withBackups([
      ['daily-2026-12-05T12-00-01.000Z.fpbackup', NOW - DAY_MS + 1_000],
    ]);
    expect(await dailyBackupDue(dir, NOW)).toBe(false);
  });

  it('is due once the newest is a day old', async () => {
    const dir = await withBackups([['daily-2026-12-05T12-00-00.000Z.fpbackup', NOW - DAY_MS]]);
    expect(await dailyBackupDue(dir, NOW)).toBe(true);
  });

  it('is decided by the newest by name, whatever the others were touched', async () => {
    const dir = await withBackups([
      ['daily-2026-12-01T00-00-00.000Z.fpbackup', NOW],
      ['daily-2026-12-04T00-00-00.000Z.fpbackup', NOW - 2 * DAY_MS],
      ['daily-2026-12-03T00-00-00.000Z.fpbackup', NOW],
    ]);
    expect(await dailyBackupDue(dir, NOW)).toBe(true);
  });
});

describe('the daily backup schedule', () => {
  /** A schedule on a server that is down, its log kept; stopped when the test ends. */
  function schedule(dataDir: string, options: Partial<DailyBackupOptions> = {}) {
    const log: string[] = [];
    const errors: unknown[] = [];
    const schedule = scheduleDailyBackups({
      url: DOWN,
      dataDir,
      keep: () => Promise.resolve(7),
      log: (message, error) => {
        log.push(message);
        errors.push(error);
      },
      everyMs: 3_600_000,
      ...options,
    });
    return { schedule, log, errors };
  }

  async function withRecentBackup(now = Date.now()): Promise<string> {
    const dataDir = await newDir();
    await mkdir(join(dataDir, 'backups'));
    const file = join(dataDir, 'backups', 'daily-2026-12-06T00-00-00.000Z.fpbackup');
    await writeFile(file, '');
    await utimes(file, now / 1000, now / 1000);
    return dataDir;
  }

  it('tries one when due, logs its failure with the error, and answers none', async () => {
    const { schedule: s, log, errors } = schedule(await newDir());
    try {
      expect(await s.check()).toBeNull();
      expect(log).toEqual(['daily backup failed (tried again within the hour)']);
      expect(errors[0]).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await s.stop();
    }
  });

  it('tries none while the last is younger than a day, logging nothing', async () => {
    const { schedule: s, log } = schedule(await withRecentBackup());
    try {
      expect(await s.check()).toBeNull();
      expect(log).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('looks in the backups folder of its data directory', async () => {
    const dataDir = await withRecentBackup();
    const { schedule: s, log } = schedule(dataDir);
    try {
      await s.check();
      expect(log).toEqual([]);
      expect(readdirSync(join(dataDir, 'backups'))).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('tells the time by the clock it is given', async () => {
    const made = Date.now() - DAY_MS / 2;
    const dataDir = await withRecentBackup(made);
    const { schedule: s, log } = schedule(dataDir, { now: () => made + DAY_MS });
    try {
      await s.check();
      expect(log).toEqual(['daily backup failed (tried again within the hour)']);
    } finally {
      await s.stop();
    }
  });

  it('logs as a failure a number of backups to keep that cannot be read', async () => {
    const {
      schedule: s,
      log,
      errors,
    } = schedule(await newDir(), {
      keep: () => Promise.reject(new Error('settings unreadable')),
    });
    try {
      expect(await s.check()).toBeNull();
      expect(log).toEqual(['daily backup failed (tried again within the hour)']);
      expect(errors[0]).toEqual(new Error('settings unreadable'));
    } finally {
      await s.stop();
    }
  });

  it('runs one check at a time: a check asked for meanwhile is the same', async () => {
    const { schedule: s, log } = schedule(await newDir());
    try {
      const first = s.check();
      expect(s.check()).toBe(first);
      await first;
      expect(log).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('checks again once a check is over', async () => {
    const { schedule: s, log } = schedule(await newDir());
    try {
      await s.check();
      await s.check();
      expect(log).toHaveLength(2);
    } finally {
      await s.stop();
    }
  });

  it('checks once as it starts', async () => {
    const { schedule: s, log } = schedule(await newDir());
    try {
      await vi.waitFor(() => expect(log).toHaveLength(1), { timeout: 5_000, interval: 10 });
    } finally {
      await s.stop();
    }
  });

  it('checks again at each interval', async () => {
    const { schedule: s, log } = schedule(await newDir(), { everyMs: 50 });
    try {
      await vi.waitFor(() => expect(log.length).toBeGreaterThanOrEqual(3), {
        timeout: 5_000,
        interval: 10,
      });
    } finally {
      await s.stop();
    }
  });

  it('checks every hour unless told otherwise', async () => {
    const every = vi.spyOn(globalThis, 'setInterval');
    const { schedule: s } = schedule(await newDir(), { everyMs: undefined });
    try {
      expect(every).toHaveBeenCalledWith(expect.any(Function), 3_600_000);
    } finally {
      every.mockRestore();
      await s.stop();
    }
  });

  it('neither starts nor repeats a check once stopped', async () => {
    const { schedule: s, log } = schedule(await newDir(), { everyMs: 20 });
    await s.stop();
    await sleep(100);
    expect(log).toEqual([]);
  });

  it('waits, when stopped, for the check under way', async () => {
    const { schedule: s, log } = schedule(await newDir());
    void s.check();
    await s.stop();
    expect(log).toHaveLength(1);
  });

  it('lets the process exit while it waits', async () => {
    const timers = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const { schedule: s } = schedule(await newDir(), { everyMs: 60_000 });
    try {
      // an unref'd timer keeps nothing alive, and is not listed
      expect(timers()).toBe(before);
    } finally {
      await s.stop();
    }
  });
});
