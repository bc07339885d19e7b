import { chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { keptDailyBackups, writeStoredSettings } from '../../src-main/db/saved-settings.ts';
import { scheduleDailyBackups, takeDailyBackup } from '../../src-main/db/transfer/daily-backups.ts';
import { openRuntime } from '../../src-main/runtime.ts';
import { removeDataDir } from '../support/data-dir.ts';
import { adminHarness } from '../support/harness.ts';

/*
 * A console on the embedded database backs it up once a day into
 * <data directory>/backups and keeps the last seven (or what Settings say).
 */
const h = adminHarness('daily-backups');
let folder = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-daily-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const daily = async (dataDir: string) =>
  (await readdir(join(dataDir, 'backups'))).filter((f) => f.startsWith('daily-'));

const DAY_AND_AN_HOUR = 25 * 60 * 60;

describe('daily backups', () => {
  it('takes one when none is a day old, and none while the last is younger', async () => {
    const dataDir = await mkdtemp(join(folder, 'due-'));
    const schedule = scheduleDailyBackups({
      url: h.db.url,
      dataDir,
      keep: async () => 7,
      log: () => undefined,
      everyMs: 3_600_000,
    });
    try {
      const first = await schedule.check();
      expect(first).toMatch(/backups\/daily-.*\.fpbackup$/);
      expect(await schedule.check()).toBeNull();
      const old = Date.now() / 1000 - DAY_AND_AN_HOUR;
      await utimes(first!, old, old);
      expect(await schedule.check()).toMatch(/daily-/);
      expect(await daily(dataDir)).toHaveLength(2);
    } finally {
      await schedule.stop();
    }
  });

  it('keeps the newest seven, or as many as Settings say', async () => {
    const dataDir = await mkdtemp(join(folder, 'kept-'));
    await mkdir(join(dataDir, 'backups'));
    const older = Array.from(
      { length: 9 },
      (_, i) => `daily-2026-11-0${i + 1}T00-00-00.000Z.fpbackup`,
    );
    for (const name of older) await writeFile(join(dataDir, 'backups', name), '');
    await writeFile(join(dataDir, 'backups', 'before-migration-x.fpbackup'), '');
    const newest = await takeDailyBackup(h.db.url, dataDir, 7);
    const kept = (await daily(dataDir)).sort();
    expect(kept).toEqual([...older.slice(-6), newest.split('/').at(-1)]);
    expect(await readdir(join(dataDir, 'backups'))).toContain('before-migration-x.fpbackup');
    expect(keptDailyBackups({ backups: { keep: 3 } })).toBe(3);
    expect(keptDailyBackups({ backups: { keep: 0 } })).toBe(7);
    expect(keptDailyBackups({})).toBe(7);
  });

  it('runs in a console on the embedded database, keeping what Settings say', async () => {
    const home = await mkdtemp(join(folder, 'embedded-'));
    await chmod(home, 0o755);
    onTestFinished(() => removeDataDir(home));
    await writeStoredSettings(home, { backups: { keep: 1 } });
    await mkdir(join(home, 'backups'));
    await writeFile(join(home, 'backups', 'daily-2026-01-01T00-00-00.000Z.fpbackup'), '');
    const old = Date.now() / 1000 - DAY_AND_AN_HOUR;
    await utimes(join(home, 'backups', 'daily-2026-01-01T00-00-00.000Z.fpbackup'), old, old);
    const runtime = await openRuntime({ dataDir: home, env: {}, dailyBackups: true });
    try {
      const deadline = Date.now() + 30_000;
      let files = await daily(home);
      // the new backup is written before the old one is pruned: wait for both
      const settled = () =>
        files.length === 1 && files[0] !== 'daily-2026-01-01T00-00-00.000Z.fpbackup';
      while (!settled() && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        files = await daily(home);
      }
      expect(files).toHaveLength(1);
      expect(files[0]).not.toBe('daily-2026-01-01T00-00-00.000Z.fpbackup');
    } finally {
      await runtime.close();
    }
  });
});
