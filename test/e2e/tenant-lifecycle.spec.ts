import { expect } from '@playwright/test';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { rollbackTenants } from '../../src-main/db/fan-out.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import { runCanary, stopRollout } from '../../src-main/db/rollout.ts';
import {
  adminPage,
  api,
  consoleDatabase,
  organizationWith,
  test,
  unique,
  visit,
} from './fixtures.ts';
import { snap, snapAtBothSizes, toast } from './support.ts';

/*
 * A tenant's lifecycle from its organization's page: a slug renamed with
 * the current one typed to confirm, and a tenant put in maintenance whose
 * pages say so; and from Tenancy, a rollout whose canary has run,
 * continued to the end.
 */

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
  await snapAtBothSizes(page, 'rename-slug-dialog');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await toast(page, `Renamed ${organization.slug} to ${next}; its schema is now org_${next}`);
  await expect(dialog).toBeHidden();
  // the page names the organization by its new slug
  await expect(page.getByText(next, { exact: true })).toBeVisible();
  expect((await api('organizations.get', { id: organization.id })).slug).toBe(next);
  await visit(page, `/agents?org=${organization.id}`);
  await expect(page.getByText('Kept agent')).toBeVisible();
});

test('a tenant in maintenance says why on its pages, and offers none of its writes until it ends', async ({
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
  const why = /In maintenance: restoring yesterday’s agents\. End the maintenance first/;
  for (const name of ['Edit', 'Change tier', 'Rename slug…', 'Delete']) {
    const button = page.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(why);
  }
  // reads go on
  await expect(page.getByRole('button', { name: 'Export organization…' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'End maintenance' })).toBeEnabled();
  await snapAtBothSizes(page, 'maintenance-organization');
  await visit(page, `/agents?org=${organization.id}`);
  await expect(banner).toContainText('restoring yesterday’s agents');
  await expect(page.getByRole('button', { name: 'New agent' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'New agent' })).toHaveAccessibleDescription(why);
  await expect(page.getByRole('button', { name: 'Import' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Import' })).toHaveAccessibleDescription(
    'In maintenance',
  );
  await page.getByRole('checkbox', { name: 'Select Waiting agent' }).check();
  await expect(page.getByRole('button', { name: 'Apply to 1' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Apply to 1' })).toHaveAccessibleDescription(why);
  await expect(page.getByRole('button', { name: 'Export JSON' })).toBeEnabled();
  await snapAtBothSizes(page, 'maintenance-agents');
  await page
    .getByRole('row', { name: /Waiting agent/ })
    .getByText('Waiting agent')
    .click();
  await expect(page.getByRole('button', { name: 'Edit', exact: true })).toHaveAccessibleDescription(
    why,
  );
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeDisabled();
  await expect(
    page.getByRole('list', { name: 'Skill catalog' }).getByRole('button').first(),
  ).toHaveAccessibleDescription(why);
  await snapAtBothSizes(page, 'maintenance-agent');
  await visit(page, `/organizations/${organization.id}`);
  await page.getByRole('button', { name: 'End maintenance' }).click();
  await page
    .getByRole('dialog', { name: 'End maintenance' })
    .getByRole('button', { name: 'End maintenance' })
    .click();
  await expect(banner).toHaveCount(0);
  for (const name of ['Edit', 'Change tier', 'Rename slug…', 'Delete'])
    await expect(page.getByRole('button', { name, exact: true })).toBeEnabled();
});

test('a rollout whose canary has run is shown on Tenancy and continued from there', async ({
  browser,
}) => {
  const canary = (await organizationWith('canary', 'pro')).organization;
  const rest = (await organizationWith('wave', 'pro')).organization;
  // the release: both a level behind, the canary then brought to it as db:migrate --canary does
  const orm = await openOrm(await consoleDatabase());
  try {
    const level = TENANT_MIGRATIONS.length;
    await rollbackTenants(orm.em, { to: level - 1, slugs: [canary.slug, rest.slug] });
    await runCanary(orm.em, { slugs: [canary.slug] });
    const page = await adminPage(browser);
    await visit(page, '/tenancy');
    const panel = page.getByRole('heading', { name: `Rollout to level ${level} in progress` });
    await expect(panel).toBeVisible();
    const waves = page.getByRole('table', { name: 'Rollout waves' });
    await expect(
      waves.getByRole('row', { name: new RegExp(`Canary org_${canary.slug} migrated`) }),
    ).toBeVisible();
    await snapAtBothSizes(page, 'rollout-canary');
    // Migrate all says what it would do before it runs: the schemas behind, and what they lack
    await page.getByRole('button', { name: 'Migrate all' }).click();
    const preview = page.getByRole('dialog', { name: /^Migrate \d+ organizations?\?$/ });
    await expect(preview).toContainText(`org_${rest.slug}`);
    // the change it lacks, by level and in words, never by its class name
    await expect(preview).toContainText(`Level ${level} — `);
    await expect(preview).not.toContainText('Migration20');
    await expect(
      page.getByRole('table', { name: 'Organizations by structure level' }),
    ).not.toContainText('Migration20');
    await snap(page, 'migrate-all-preview');
    await preview.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await toast(page, 'The rollout is finished');
    await expect(panel).toHaveCount(0);
    expect((await api('organizations.get', { id: rest.id })).slug).toBe(rest.slug);
    const [row] = await orm.em
      .fork()
      .execute<{ level: number }[]>(
        'select tenant_schema_version as level from organizations where id = ?',
        [rest.id],
      );
    expect(Number(row?.level)).toBe(level);
  } finally {
    await stopRollout(orm.em);
    await orm.close(true);
  }
});
