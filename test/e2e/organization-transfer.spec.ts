import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { adminPage, api, organizationWith, test, unique, userIn, visit } from './fixtures.ts';
import { choosePassword, go, openConsole, signIn, snap, snapAtBothSizes } from './support.ts';

const PASSWORD = 'a long enough first password';
const CHOSEN = 'the clone member chose this one';

test('exports an organization in the browser, imports it as a clone under a new slug, and a re-confirmed user of the clone signs in and sees its agents', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const folder = await mkdtemp(join(tmpdir(), 'fleetprompt-e2e-io-'));
  try {
    const { organization } = await organizationWith('io', 'pro', ['Alpha agent', 'Beta agent']);
    const member = await userIn(organization.id, 'developer', PASSWORD);
    const admin = await adminPage(browser);
    await admin.setViewportSize({ width: 1440, height: 900 });

    await visit(admin, `/organizations/${organization.id}`);
    await admin.getByRole('button', { name: 'Export organization…' }).click();
    const exportDialog = admin.getByRole('dialog', { name: `Export ${organization.name}` });
    await expect(exportDialog.getByText('Keep it as you keep backups')).toBeVisible();
    await snapAtBothSizes(admin, 'organization-export');
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      exportDialog.getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^organization-${organization.slug}-.*\\.fptenant$`),
    );
    const archive = join(folder, download.suggestedFilename());
    await download.saveAs(archive);
    await expect(exportDialog.getByRole('status')).toContainText(/9 tables, \d+ rows/);
    await snapAtBothSizes(admin, 'organization-exported');
    await exportDialog.getByRole('button', { name: 'Done' }).click();

    await go(admin, 'Organizations');
    await admin.getByRole('button', { name: 'Import organization…' }).click();
    const importDialog = admin.getByRole('dialog', { name: 'Import organization' });
    await importDialog.locator('input[type=file]').setInputFiles(archive);
    const cloneSlug = unique('clone');
    await importDialog.getByLabel('Slug of the clone').fill(cloneSlug);
    await snapAtBothSizes(admin, 'organization-import');
    await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(importDialog.getByRole('status')).toContainText(
      `${organization.name} (clone ${cloneSlug}): 1 user, 2 agents`,
    );
    await expect(importDialog.getByText(/Its users are unconfirmed/)).toBeVisible();
    await snapAtBothSizes(admin, 'organization-imported');
    await importDialog.getByRole('link', { name: /^Open / }).click();
    await expect(
      admin.getByRole('heading', { name: `${organization.name} (clone ${cloneSlug})` }),
    ).toBeVisible();
    const cloneId = new URL(admin.url()).pathname.split('/').at(-1) ?? '';

    // the clone's member, unconfirmed until an administrator confirms them
    const cloneEmail = member.email.replace('@', `+${cloneSlug}@`);
    const users = await api('users.list', { organizationId: cloneId, page: 1, pageSize: 10 });
    expect(users.items.map((u) => [u.email, u.confirmedAt])).toEqual([[cloneEmail, null]]);
    await api('users.confirm', { id: users.items[0]?.id ?? '' });

    const page = await openConsole(browser);
    await signIn(page, cloneEmail, PASSWORD);
    await choosePassword(page, PASSWORD, CHOSEN);
    await go(page, 'Agents');
    await expect(page.getByRole('cell', { name: 'Alpha agent', exact: true })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Beta agent', exact: true })).toBeVisible();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('refuses to import a file that is not an organization archive, and says so at the file', async ({
  browser,
}) => {
  const admin = await adminPage(browser);
  await go(admin, 'Organizations');
  await admin.getByRole('button', { name: 'Import organization…' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Import organization' });
  await dialog.locator('input[type=file]').setInputFiles({
    name: 'not-an-archive.fptenant',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('hello'),
  });
  await dialog.getByLabel('Slug of the clone').fill(unique('never'));
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(
    dialog.getByText('This file is not an organization export, or it is damaged.'),
  ).toBeVisible();
  await snap(admin, 'organization-import-refused');
});
