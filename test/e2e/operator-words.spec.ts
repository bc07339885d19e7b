import { expect, type Page } from '@playwright/test';
import { adminPage, organizationWith, test, visit } from './fixtures.ts';
import { snapAtBothSizes } from './support.ts';

/*
 * Words for people (issue 34): the screens name tiers, roles, tools and
 * migrations as people say them, write "Unlimited" rather than the figure
 * that stands for it, and keep implementation words ("tenant schema", class
 * names, stored values) out of labels and sentences. Each screen is
 * photographed at both operator sizes, light and dark, and audited.
 */

/** What no screen should say to an operator. */
async function saysNoImplementationWords(page: Page) {
  const main = page.locator('main');
  await expect(main).not.toContainText(/tenant schema/i);
  await expect(main).not.toContainText('Migration20');
}

test('an enterprise organization says Unlimited and names its tier, never 999 or "enterprise"', async ({
  browser,
}) => {
  const { organization } = await organizationWith('words-unlimited', 'enterprise', ['Scout']);
  const page = await adminPage(browser);
  await visit(page, `/organizations/${organization.id}`);
  const main = page.locator('main');
  await expect(page.getByRole('heading', { name: organization.name })).toBeVisible();
  await expect(main).toContainText('Enterprise');
  await expect(main).toContainText('no limit on the tier');
  await expect(main).toContainText('No limit on workflows');
  await expect(main).not.toContainText('999');
  await saysNoImplementationWords(page);
  await snapAtBothSizes(page, 'words-organization-enterprise');

  await page.getByRole('button', { name: 'Change tier' }).click();
  const limits = page.getByRole('table', { name: 'Limits before and after' });
  await expect(limits.getByRole('row', { name: /^Agents/ })).toContainText('Unlimited');
  await expect(limits).not.toContainText('999');
  await snapAtBothSizes(page, 'words-change-tier');
  await page.keyboard.press('Escape');

  await visit(page, `/organizations?q=${organization.slug}`);
  const row = page.getByRole('row', { name: new RegExp(organization.name) });
  await expect(row).toContainText('1 (no limit)');
  await expect(row).toContainText('Enterprise');
  await snapAtBothSizes(page, 'words-organizations');
});

test('the new-organization form says the slug can be renamed and what it names, in words', async ({
  browser,
}) => {
  const page = await adminPage(browser);
  await visit(page, '/organizations');
  await page.getByRole('button', { name: 'New organization' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('You can rename it later.');
  await dialog.getByLabel('Slug').fill('words-new');
  await expect(dialog).toContainText('Its data is kept as org_words-new.');
  await expect(dialog).toContainText('You can rename the slug later');
  await expect(dialog).not.toContainText('cannot be changed');
  // the tier's limits in words: Free's real figures
  await expect(dialog).toContainText('Tokens a month: 100,000 · agents: 3 · workflows: 0');
  await snapAtBothSizes(page, 'words-new-organization');
});

test('Tenancy names migrations by level and what they do, and organizations instead of schemas', async ({
  browser,
}) => {
  const page = await adminPage(browser);
  await visit(page, '/tenancy');
  const table = page.getByRole('table', { name: 'Organizations by structure level' });
  await expect(table.getByRole('columnheader', { name: 'Organization (schema)' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Level' })).toBeVisible();
  await saysNoImplementationWords(page);
  await snapAtBothSizes(page, 'words-tenancy');
  await visit(page, '/tenancy/structure');
  await expect(page.getByText(/as its level should be|drifted from/).first()).toBeVisible();
  // the catalog's figures below stay in the server's terms, which their advice is about
  await expect(page.getByText("Each organization's data against the structure")).toBeVisible();
  await expect(
    page.getByRole('tab', { name: 'Levels' }).or(page.getByRole('link', { name: 'Levels' })),
  ).toBeVisible();
  await snapAtBothSizes(page, 'words-structure');
});

test('skills and Settings name tools and tiers, and give the restore command on its own line', async ({
  browser,
}) => {
  const page = await adminPage(browser);
  await visit(page, '/skills?q=communication');
  const row = page.getByRole('row', { name: /Customer Communication/ });
  await expect(row).toContainText('Send email, Send SMS');
  await expect(row).not.toContainText('send_sms');
  await saysNoImplementationWords(page);
  await snapAtBothSizes(page, 'words-skills');

  await visit(page, '/settings');
  await expect(page.getByLabel('Command that restores a backup', { exact: true })).toHaveText(
    'npm run db:restore -- FILE',
  );
  await saysNoImplementationWords(page);
  await snapAtBothSizes(page, 'words-settings');
});
