import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabaseTarget } from '../../src-main/db/connection.ts';
import { maskUrl } from '../../src-main/db/connection.ts';
import { keptDailyBackups, readStoredSettings } from '../../src-main/db/saved-settings.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let admin: () => ReturnType<Harness['slotFor']>;
let dataDir: string;
beforeAll(async () => {
  h = await createHarness();
  const org = await h.org('settings-co');
  const adminId = (await h.user(org.id, 'admin', 'admin@settings.test')).id;
  admin = () => h.slotFor(adminId);
  dataDir = (await h.ok(admin(), 'settings.get', {})).dataDir;
});
afterAll(() => h.close());

describe('database settings', () => {
  it('starts on the embedded database with the data directory and version shown', async () => {
    expect(await h.ok(admin(), 'settings.get', {})).toMatchObject({
      database: { mode: 'embedded', url: null },
      appVersion: 'test',
      dataDir,
    });
  });

  it('tests a connection and reports the server version', async () => {
    const result = await h.ok(admin(), 'settings.testDatabase', { url: h.db.url });
    expect(result.version).toMatch(/^1[4-9]/);
  });

  it('explains a connection that fails, without echoing the password', async () => {
    const result = await h.call(admin(), 'settings.testDatabase', {
      url: 'postgres://someone:s3cret-pw@127.0.0.1:1/nowhere',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { url: 'could not connect' } },
    });
    expect(JSON.stringify(result)).not.toContain('s3cret-pw');
  });

  it('saves a tested URL, shows it masked, and the next start uses it', async () => {
    const url = new URL(h.db.url);
    url.password = 'not-shown-back';
    url.username = 'postgres';
    const saved = await h.call(admin(), 'settings.saveDatabase', { mode: 'url', url: h.db.url });
    expect(saved.ok).toBe(true);
    const stored = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'));
    expect(stored.database).toEqual({ mode: 'url', url: h.db.url });
    const target = await openDatabaseTarget({ dataDir, env: {} });
    expect(target).toMatchObject({ url: h.db.url, source: 'settings' });
    expect(maskUrl(url.toString())).not.toContain('not-shown-back');
  });

  it('refuses to save a URL that does not connect', async () => {
    const result = await h.call(admin(), 'settings.saveDatabase', {
      mode: 'url',
      url: 'postgres://127.0.0.1:1/none',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const stored = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'));
    expect(stored.database.url).toBe(h.db.url);
  });

  it('switches back to the embedded database', async () => {
    const saved = await h.ok(admin(), 'settings.saveDatabase', { mode: 'embedded' });
    expect(saved.database).toEqual({ mode: 'embedded', url: null });
  });
});

describe('daily backups kept', () => {
  it('keeps seven until Settings say otherwise', async () => {
    expect((await h.ok(admin(), 'settings.get', {})).dailyBackupsKept).toBe(7);
  });

  it('saves the number the scheduler keeps, beside the database choice, audited from and to', async () => {
    const before = await readStoredSettings(dataDir);
    const saved = await h.ok(admin(), 'settings.saveBackups', { keep: 30 });
    expect(saved.dailyBackupsKept).toBe(30);
    const stored = await readStoredSettings(dataDir);
    expect(keptDailyBackups(stored)).toBe(30);
    expect(stored.database).toEqual(before.database);
    const events = await h.ok(admin(), 'audit.list', { action: 'settings.saveBackups' });
    expect(events.items[0]).toMatchObject({
      targetType: 'file',
      targetId: join(dataDir, 'backups'),
      changes: { keep: { from: 7, to: 30 } },
    });
  });

  it.each([0, 366, 2.5, '9'])('refuses %j before anything is saved', async (keep) => {
    const result = await h.call(admin(), 'settings.saveBackups', { keep });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { keep: expect.any(String) } },
    });
    expect(keptDailyBackups(await readStoredSettings(dataDir))).toBe(30);
  });
});
