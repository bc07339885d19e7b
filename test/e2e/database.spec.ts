import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';
import { createScratchDatabase } from '../support/scratch-database.ts';
import { adminPage, test } from './fixtures.ts';
import { go, snap, tabTo, toast } from './support.ts';

/**
 * An empty database on another server: a new database on the test server
 * when there is one (CI's PostgreSQL leg), else a second embedded server of
 * the test's own.
 */
async function emptyServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.FLEETPROMPT_TEST_DATABASE_URL;
  if (server) return createScratchDatabase(server, 'fp_e2e_move');
  const home = await mkdtemp(join(tmpdir(), 'fleetprompt-e2e-move-'));
  await chmod(home, 0o755);
  const embedded = await openEmbedded(home);
  return {
    url: embedded.url,
    drop: async () => {
      await embedded.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

test('backs the database up from Settings, and moves it to a server from the keyboard, verified, and saves that server for the next start', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const target = await emptyServerDatabase();
  try {
    const admin = await adminPage(browser);
    await go(admin, 'Settings');
    await admin.getByRole('button', { name: 'Back up now' }).click();
    await toast(admin, /Backed up to .*\.fpbackup/);
    const backups = await readdir(join(process.env.E2E_HOME ?? '', 'backups'));
    expect(backups.some((f) => f.startsWith('fleetprompt-') && f.endsWith('.fpbackup'))).toBe(true);
    await expect(admin.getByRole('alert', { name: 'Backed up' })).toBeVisible();
    await snap(admin, 'settings-backed-up');

    // the dialog from the keyboard alone
    await admin.getByRole('button', { name: 'Move to a server…' }).focus();
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Move to a server' });
    await expect(dialog.getByLabel('Server URL')).toBeFocused();
    await snap(admin, 'move-dialog');
    await admin.keyboard.type(target.url);
    const moveButton = dialog.getByRole('button', { name: 'Move', exact: true });
    await tabTo(admin, moveButton);
    await admin.keyboard.press('Enter');
    await expect(dialog.getByText('Moved and verified')).toBeVisible({ timeout: 30_000 });
    await expect(dialog.getByRole('progressbar', { name: 'Move progress' })).toBeVisible();
    await snap(admin, 'move-done');

    await tabTo(admin, dialog.getByRole('button', { name: 'Use this server from the next start' }));
    await admin.keyboard.press('Enter');
    await expect(
      dialog.getByRole('button', { name: 'Switched from the next start' }),
    ).toBeDisabled();
    await admin.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(admin.getByText(/saved: postgres:\/\//)).toBeVisible();

    // the shared console goes back to its own database for the tests after this one
    await admin.getByRole('radiogroup', { name: 'Database' }).getByText('Embedded').click();
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(admin.getByText(/saved: postgres:\/\//)).toHaveCount(0);
  } finally {
    await target.drop();
  }
});
