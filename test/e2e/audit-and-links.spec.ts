import { expect } from '@playwright/test';
import { adminPage, api, organizationWith, test, unique, userIn, visit } from './fixtures.ts';
import {
  choosePassword,
  expectNoSidewaysScroll,
  openConsole,
  signIn,
  snapAtBothSizes,
} from './support.ts';

/*
 * Names and links: the audit log names its targets and actors and filters
 * by them, and every figure of the Fleet overview opens the list it
 * counts. Each screen is photographed at both sizes an operator uses, in
 * both colour schemes, and audited with axe-core.
 */

test('the audit log names an edited agent, links to it, and filters to its history', async ({
  browser,
}) => {
  const name = unique('Audited Agent');
  const { organization, agents } = await organizationWith('audit-links-long-name', 'pro', [name]);
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
  // the organization's name is longer than its filter: it ends in "…", not under the clear button
  await expect(page.getByRole('combobox', { name: 'Organization' })).toHaveCSS(
    'text-overflow',
    'ellipsis',
  );
  await snapAtBothSizes(page, 'audit-filtered');
  // at a small laptop's width the names are cut inside their columns, not spilled over the next
  await page.setViewportSize({ width: 1024, height: 700 });
  const spilled = await table
    .locator('td')
    .evaluateAll((cells) => cells.filter((cell) => cell.scrollWidth > cell.clientWidth).length);
  expect(spilled).toBe(0);

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

  // a range that ends before anything happened: the last month's first day, picked from the
  // calendar, shown as every moment on the console is written
  await page.getByRole('button', { name: 'Until', exact: true }).click();
  await page.getByRole('button', { name: 'Previous month' }).click();
  const lastMonth = new Date();
  lastMonth.setDate(1);
  lastMonth.setMonth(lastMonth.getMonth() - 1);
  const day = lastMonth.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  await page.getByRole('button', { name: day, exact: true }).click();
  await snapAtBothSizes(page, 'audit-time-picker');
  await page.getByRole('button', { name: 'Use this time as Until' }).click();
  const shown = lastMonth.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  await expect(page.getByRole('button', { name: 'Until', exact: true })).toHaveText(
    `${shown}, 23:59:59`,
  );
  await expect(page.getByText('No event matches these filters.')).toBeVisible();
  await snapAtBothSizes(page, 'audit-time-range');
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

test('each figure of the Fleet overview opens the list it counts', async ({ browser }) => {
  const { organization: linked } = await organizationWith('fleet-links', 'enterprise', [
    'Clicked Through',
  ]);
  const { organization: full } = await organizationWith('fleet-full', 'free', ['A', 'B', 'C']);
  let failing = await api('agents.create', {
    organizationId: linked.id,
    name: 'Faltering',
    systemPrompt: 'p',
  });
  for (const event of ['deploy', 'fail'] as const) {
    failing = await api('agents.transition', {
      organizationId: linked.id,
      id: failing.id,
      version: failing.version,
      event,
      ...(event === 'fail' ? { reason: 'The model answers 500' } : {}),
    });
  }
  const page = await adminPage(browser);
  // since when an agent is in error: one line, wide window or small
  const since = page.getByRole('table', { name: 'Agents in error' }).getByRole('cell').nth(2);
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 700 },
  ]) {
    await page.setViewportSize(size);
    await expect(since).toHaveText(/\d{4}, \d\d:\d\d:\d\d$/);
    expect((await since.getByText(/\d{4}/).boundingBox())?.height).toBeLessThan(30);
  }
  await snapAtBothSizes(page, 'fleet-overview');

  // a billing row: the organizations in that status, and only those
  const billing = page.getByRole('table', { name: 'Organizations by billing status' });
  await billing.getByRole('link', { name: 'Trial', exact: true }).click();
  await expect(page).toHaveURL(/\/organizations\?billingStatus=trial$/);
  // exact: the overview's own tables are named "Organizations by …" and must not match meanwhile
  const organizations = page.getByRole('table', { name: 'Organizations', exact: true });
  await expect(organizations.getByRole('row').nth(1)).toContainText('trial');
  await expect(organizations).not.toContainText('suspended');
  await expect(page.getByRole('combobox', { name: 'Filter by billing status' })).toHaveValue(
    'Trial',
  );

  // a tier: the organizations of that tier
  await page.goBack();
  await page.getByRole('link', { name: /^Enterprise \d+$/ }).click();
  await expect(page).toHaveURL(/\/organizations\?tier=enterprise$/);
  await expect(organizations).toContainText('Org fleet-links-');
  await expect(organizations).not.toContainText(/\bFree\b/);

  // a status of the donut's legend: those agents, across organizations, on the overview
  await page.goBack();
  await page.getByRole('link', { name: /^Draft \d+$/ }).click();
  await expect(page).toHaveURL(/\/fleet\?status=draft$/);
  const found = page.getByRole('table', { name: 'Agents found' });
  await expect(found).toContainText('Clicked Through');
  await expect(found.getByRole('row').nth(1)).toContainText('draft');
  await snapAtBothSizes(page, 'fleet-agents-by-status');

  // the organizations at their agent limit: those, filtered, not merely sorted first
  await page.getByRole('link', { name: /^At their agent limit \d+/ }).click();
  await expect(page).toHaveURL(/\/organizations\?agentLimit=reached$/);
  await expect(page.getByRole('combobox', { name: 'Filter by agent limit' })).toHaveValue(
    'At the agent limit',
  );
  await expect(organizations).toContainText(full.name);
  for (const row of await organizations.getByRole('row').all()) {
    await expect(row).toContainText(/Agents|(\d+) of \1/);
  }
  await page.goBack();

  // the headline figure of organizations: their list
  await page.getByRole('link', { name: /^Organizations \d+/ }).click();
  await expect(page).toHaveURL(/\/organizations$/);

  // an event: the audit log's history of what it is about
  await page.goBack();
  const events = page.getByRole('table', { name: 'Latest audit events' });
  await events.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/audit\?/);
  await expect(page.getByRole('table', { name: 'Audit events' })).toBeVisible();
});

test('a developer’s overview is their own organization, not the fleet', async ({ browser }) => {
  const { organization } = await organizationWith('own-view', 'pro', ['Own One', 'Own Two']);
  const developer = await userIn(organization.id, 'developer', 'set by the administrator');
  const page = await openConsole(browser);
  await signIn(page, developer.email, 'set by the administrator');
  await choosePassword(page, 'set by the administrator', 'the developer’s own secret');
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  await expect(page.getByText(`${organization.name} at a glance.`)).toBeVisible();
  await expect(page.getByText('Your organization')).toBeVisible();
  await expect(page.getByText('Organizations by tier')).toHaveCount(0);
  await expect(page.getByText('Organizations behind')).toHaveCount(0);
  await snapAtBothSizes(page, 'fleet-own-organization');

  await page.getByRole('link', { name: /^Draft 2$/ }).click();
  await expect(page).toHaveURL(new RegExp(`/agents\\?org=${organization.id}&status=draft$`));
  await expect(page.getByRole('table', { name: 'Agents' })).toContainText('Own Two');
});

test('detail pages say where they are, and lists name the organization', async ({ browser }) => {
  const long = `An agent with a name far too long to fit in any column ${unique('x')}`;
  const { organization, agents } = await organizationWith('where', 'enterprise', [long, 'Short']);
  const [agent] = agents;
  if (!agent) throw new Error('no agent');
  const member = await userIn(organization.id, 'user', 'set by the administrator');
  const page = await adminPage(browser);

  await visit(page, `/agents/${organization.id}/${agent.id}`);
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(crumbs.getByRole('link', { name: organization.name })).toBeVisible();
  await snapAtBothSizes(page, 'agent-detail-crumbs');
  await crumbs.getByRole('link', { name: organization.name }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${organization.id}$`));
  await expect(page.getByRole('heading', { name: organization.name })).toBeVisible();
  await snapAtBothSizes(page, 'organization-detail');
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: 'Organizations' })
    .click();
  await expect(page).toHaveURL(/\/organizations$/);

  // every user under "All organizations" names theirs, and leads to it
  await visit(page, `/users?q=${encodeURIComponent('@e2e.test')}`);
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('columnheader', { name: 'Organization' })).toBeVisible();
  await expect(users.getByRole('link', { name: organization.name }).first()).toBeVisible();
  // at a small laptop's width the email and the organization keep room enough to be read,
  // and a cut email is whole in its tooltip
  await page.setViewportSize({ width: 1024, height: 700 });
  for (const name of ['Email', 'Organization'])
    expect(
      (await users.getByRole('columnheader', { name }).boundingBox())?.width,
    ).toBeGreaterThanOrEqual(170);
  await expectNoSidewaysScroll(page);
  await snapAtBothSizes(page, 'users-all-organizations');
  await users.getByText(member.email).hover();
  await expect(page.getByRole('tooltip')).toHaveText(member.email);
  await visit(page, `/users?org=${organization.id}`);
  await expect(users.getByRole('columnheader', { name: 'Organization' })).toHaveCount(0);

  // a tenant schema opens its organization; the schemas table is never wider than the window
  await visit(page, '/tenancy');
  await expect(page.getByRole('table', { name: 'Organizations by structure level' })).toContainText(
    organization.schema,
  );
  await page.setViewportSize({ width: 1024, height: 700 });
  await expectNoSidewaysScroll(page);
  await snapAtBothSizes(page, 'tenancy');
  await page.getByRole('link', { name: `${organization.schema}: open its organization` }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${organization.id}$`));

  // the long name is cut in the agents list, whole in its tooltip
  await visit(page, `/agents?org=${organization.id}`);
  await snapAtBothSizes(page, 'agents-long-name');
});
