import { expect, type Page } from '@playwright/test';
import { adminPage, api, organizationWith, test, unique, visit } from './fixtures.ts';
import { snap } from './support.ts';

/*
 * Names and links: the audit log names its targets and actors and filters
 * by them, and every figure of the Fleet overview opens the list it
 * counts. Each screen is photographed at both sizes an operator uses, in
 * both colour schemes, and audited with axe-core.
 */

/** Photographs (and audits) the screen at 1440×900 and at 1024×700. */
async function snapBothSizes(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await snap(page, `${name}-${width}`);
  }
}

test('the audit log names an edited agent, links to it, and filters to its history', async ({
  browser,
}) => {
  const name = unique('Audited Agent');
  const { organization, agents } = await organizationWith('audit-links', 'pro', [name]);
  const [agent] = agents;
  if (!agent) throw new Error('no agent');
  await api('agents.update', {
    organizationId: organization.id,
    id: agent.id,
    version: agent.version,
    name: `${name} Renamed`,
    description: 'Now with a description',
  });

  const page = await adminPage(browser);
  await visit(page, `/audit?organizationId=${organization.id}&action=agents.update`);
  const table = page.getByRole('table', { name: 'Audit events' });
  const row = table.getByRole('row').filter({ hasText: 'Edited agent' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`${name} Renamed`);
  await expect(row).not.toContainText('agents.update');
  await expect(row).not.toContainText('∅');
  await expect(row.getByRole('listitem').filter({ hasText: 'Description' })).toContainText(
    'none → changed to Now with a description',
  );
  await snapBothSizes(page, 'audit-filtered');

  // every event about the agent: its creation and its edit
  await visit(page, `/audit?organizationId=${organization.id}`);
  await table
    .getByRole('row')
    .filter({ hasText: 'Edited agent' })
    .getByRole('button', { name: `Only events about ${name} Renamed` })
    .click();
  await expect(page.getByText(`About ${name} Renamed`)).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('Created agent');

  await table
    .getByRole('link', { name: `${name} Renamed` })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/agents/${organization.id}/${agent.id}$`));
  await expect(page.getByRole('heading', { name: `${name} Renamed` })).toBeVisible();
});

test('the audit log filters by action and by time range from its controls', async ({ browser }) => {
  const { organization } = await organizationWith('audit-range', 'free', ['Ranged']);
  const page = await adminPage(browser);
  await visit(page, `/audit?organizationId=${organization.id}`);
  const table = page.getByRole('table', { name: 'Audit events' });
  await expect(table).toContainText('Created agent');

  await page.getByRole('combobox', { name: 'Action' }).fill('Created organ');
  await page.getByRole('option', { name: 'Created organization' }).click();
  await expect(page).toHaveURL(/action=organizations.create/);
  await expect(table).not.toContainText('Created agent');
  await expect(table).toContainText('Created organization');

  // a range that ends before anything happened
  await page.getByRole('textbox', { name: 'Until' }).fill('2020-01-01T00:00');
  await expect(page.getByText('No event matches these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/audit$/);
});

test('the audit log filters to what one person did', async ({ browser }) => {
  const page = await adminPage(browser);
  await visit(page, '/audit?action=auth.signIn');
  const table = page.getByRole('table', { name: 'Audit events' });
  await table.getByRole('button', { name: 'Only events by olive@acme.test' }).first().click();
  await expect(page).toHaveURL(/actorId=/);
  await expect(page.getByText('By olive@acme.test')).toBeVisible();
  await expect(table.getByRole('link', { name: 'olive@acme.test' }).first()).toHaveAttribute(
    'href',
    '/users?q=olive%40acme.test',
  );
});
