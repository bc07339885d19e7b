import { expect, type Page } from '@playwright/test';
import { adminPage, api, organizationWith, test, unique, visit } from './fixtures.ts';
import { snap, toast } from './support.ts';

/*
 * A tenant's lifecycle from its organization's page: a slug renamed with
 * the current one typed to confirm, and a tenant put in maintenance whose
 * pages say so.
 */

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];

async function snapSizes(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await snap(page, `${name}-${size.width}`);
  }
}

test('a slug is renamed once the current one is typed to confirm', async ({ browser }) => {
  const { organization } = await organizationWith('rename-me', 'pro', ['Kept agent']);
  const next = unique('renamed');
  const page = await adminPage(browser);
  await visit(page, `/organizations/${organization.id}`);
  await page.getByRole('button', { name: 'Rename slug…' }).click();
  const dialog = page.getByRole('dialog', { name: `Rename ${organization.slug}` });
  await dialog.getByLabel('New slug').fill(next);
  await expect(dialog.getByRole('button', { name: 'Rename' })).toBeDisabled();
  await dialog.getByLabel(/to confirm/).fill(organization.slug);
  await expect(dialog.getByText(`org_${next}`)).toBeVisible();
  await snapSizes(page, 'rename-slug-dialog');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await toast(page, `Renamed ${organization.slug} to ${next}; its schema is now org_${next}`);
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`org_${next}`, { exact: true })).toBeVisible();
  expect((await api('organizations.get', { id: organization.id })).slug).toBe(next);
  await visit(page, `/agents?org=${organization.id}`);
  await expect(page.getByText('Kept agent')).toBeVisible();
});

test('a tenant in maintenance says why on its pages, and offers no rename until it ends', async ({
  browser,
}) => {
  const { organization } = await organizationWith('maintained', 'pro', ['Waiting agent']);
  const page = await adminPage(browser);
  await visit(page, `/organizations/${organization.id}`);
  await page.getByRole('button', { name: 'Maintenance…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Put in maintenance' });
  await dialog.getByLabel('Reason').fill('restoring yesterday’s agents');
  await snap(page, 'maintenance-dialog');
  await dialog.getByRole('button', { name: 'Put in maintenance' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'is in maintenance' });
  await expect(banner).toContainText('restoring yesterday’s agents');
  await expect(page.getByRole('button', { name: 'Rename slug…' })).toBeDisabled();
  await snapSizes(page, 'maintenance-organization');
  await visit(page, `/agents?org=${organization.id}`);
  await expect(banner).toContainText('restoring yesterday’s agents');
  await snapSizes(page, 'maintenance-agents');
  await visit(page, `/organizations/${organization.id}`);
  await page.getByRole('button', { name: 'End maintenance' }).click();
  await page
    .getByRole('dialog', { name: 'End maintenance' })
    .getByRole('button', { name: 'End maintenance' })
    .click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rename slug…' })).toBeEnabled();
});
