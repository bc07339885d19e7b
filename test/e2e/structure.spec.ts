import { spawnSync } from 'node:child_process';
import { expect } from '@playwright/test';
import {
  adminPage,
  asSuperuser,
  consoleDatabase,
  organizationWith,
  test,
  visit,
} from './fixtures.ts';
import { go, snapAtBothSizes, toast } from './support.ts';

test("Tenancy → Structure names a tenant's drift in words and applies the safe repair from the keyboard", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const { organization } = await organizationWith('drift', 'free');
  const schema = `org_${organization.slug}`;
  await asSuperuser(`drop index "${schema}".agents_name_trgm_idx;
    alter table "${schema}".agents drop column description`);

  const admin = await adminPage(browser);
  await go(admin, 'Tenancy');
  await admin
    .getByRole('navigation', { name: 'Tenancy' })
    .getByRole('link', { name: 'Structure' })
    .click();
  const card = admin.getByRole('region', { name: `Drift of ${schema}` });
  await expect(card).toContainText('index agents_name_trgm_idx: missing');
  await expect(card).toContainText('agents.description: missing column');
  await expect(admin.getByRole('table', { name: 'Catalog figures' })).toContainText('Lock table');
  // the top 20 of every tenant in this run's shared database: which ones depends on the other specs
  const largest = admin.getByRole('table', { name: 'Largest tenants' });
  await expect(largest).toContainText(/org_/);
  expect(await largest.getByRole('row').count()).toBeLessThanOrEqual(21);
  await snapAtBothSizes(admin, 'tenancy-structure');

  const repair = card.getByRole('button', { name: 'Apply the safe repair' });
  await repair.focus();
  await admin.keyboard.press('Enter');
  await toast(admin, 'Repaired 1 organization');
  await expect(card).not.toContainText('agents_name_trgm_idx');
  await expect(card).toContainText('agents.description: missing column');
  await expect(card.getByRole('button', { name: 'Apply the safe repair' })).toHaveCount(0);
  await snapAtBothSizes(admin, 'tenancy-structure-repaired');
});

test('Tenancy → Structure gives the command that installs missing structure triggers, and says no more once it has run', async ({
  browser,
}) => {
  // only a superuser may drop or make event triggers
  await asSuperuser(`drop event trigger fleetprompt_structure_marks_end;
    drop event trigger fleetprompt_structure_marks_drop`);
  const admin = await adminPage(browser);
  await visit(admin, '/tenancy/structure');
  const missing = admin.getByRole('alert').filter({
    hasText: "Every check reads every organization's structure",
  });
  await expect(
    missing.getByLabel('Command that installs the structure triggers', { exact: true }),
  ).toHaveText('npm run db:install-triggers -- URL');
  await snapAtBothSizes(admin, 'tenancy-structure-triggers-missing');

  // the operator runs it with a superuser's URL
  const run = spawnSync(
    process.execPath,
    ['src-main/cli/install-triggers.ts', await consoleDatabase()],
    { encoding: 'utf8' },
  );
  expect(run.stdout).toContain('structure triggers in place in ');
  await admin.getByRole('button', { name: 'Check again' }).click();
  await expect(missing).toHaveCount(0);
  await expect(admin.getByRole('table', { name: 'Catalog figures' })).toBeVisible();
});
