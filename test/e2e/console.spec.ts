import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import {
  choose,
  choosePassword,
  go,
  openConsole,
  seed,
  signIn,
  signOut,
  snap,
  toast,
} from './support.ts';

/*
 * One operator's day, in order: the console starts empty, gets its first
 * administrator, demo data, a new tenant with users and agents, and loses
 * the tenant again. Each step depends on the ones before it.
 */
test.describe.configure({ mode: 'serial' });

const PASSWORD = 'correct horse battery';
/** What the demo administrator chooses instead of the published password123. */
const DEMO_PASSWORD = 'demo admin chose this';
/** What users created by an administrator choose at their first sign-in. */
const OWN_PASSWORD = 'my very own secret';
let admin: Page;

test.beforeAll(async ({ browser }) => {
  admin = await openConsole(browser);
});

test('first run creates the first administrator', async () => {
  await expect(admin.getByRole('heading', { name: 'Welcome to FleetPrompt' })).toBeVisible();
  await expect(admin.getByText('npm run seed')).toBeVisible();
  await snap(admin, 'first-run');
  await admin.getByLabel('Organization name').fill('Acme Operations');
  await expect(admin.getByLabel('Slug')).toHaveValue('acme-operations');
  await expect(admin.getByText('Schema: org_acme-operations')).toBeVisible();
  await admin.getByLabel('Your name').fill('Olive Operator');
  await admin.getByLabel('Email').fill('olive@acme.test');
  await admin.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await admin.getByLabel('Password again').fill(PASSWORD);
  await admin.getByRole('button', { name: 'Create administrator' }).click();
  await expect(admin.getByRole('heading', { name: 'Organizations' })).toBeVisible();
  await expect(admin.getByRole('table', { name: 'Organizations' })).toContainText(
    'acme-operations',
  );
});

test('Load demo data in Settings loads the demo company; npm run seed then finds it there', async () => {
  await go(admin, 'Settings');
  await admin.getByRole('button', { name: 'Load demo data' }).click();
  await toast(admin, 'Demo data loaded: 6 records created');
  expect(seed()).toContain('Nothing to do: the demo data was already loaded.');
  await go(admin, 'Organizations');
  await signOut(admin);
  await snap(admin, 'sign-in');
  await signIn(admin, 'admin@demo.com', 'password123');
  await expect(admin.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await snap(admin, 'choose-password');
  await choosePassword(admin, 'password123', DEMO_PASSWORD);
  await expect(admin.getByRole('table', { name: 'Organizations' })).toContainText('Demo Company');
  await snap(admin, 'organizations');
});

test('creates the organization test-org and sees its schema in Tenancy', async () => {
  await admin.getByRole('button', { name: 'New organization' }).click();
  await admin.getByLabel('Name').fill('Test Org');
  await expect(admin.getByLabel('Slug')).toHaveValue('test-org');
  await expect(admin.getByText('Tenant schema: org_test-org')).toBeVisible();
  await admin.getByRole('button', { name: 'Create organization' }).click();
  await toast(admin, 'Created Test Org (org_test-org)');
  await expect(admin.getByRole('heading', { name: 'Test Org' })).toBeVisible();
  await snap(admin, 'organization-detail');
  await go(admin, 'Tenancy');
  await expect(admin.getByRole('table', { name: 'Tenant schemas' })).toContainText('org_test-org');
  await snap(admin, 'tenancy');
});

test('creates a developer in test-org, who sees only that organization', async ({ browser }) => {
  await go(admin, 'Users');
  await admin.getByRole('button', { name: 'New user' }).click();
  await choose(admin, 'Organization', /Test Org/);
  await admin.getByLabel('Email').fill('dev@test-org.test');
  await admin.getByLabel('Name').fill('Dana Developer');
  await choose(admin, 'Role', 'developer');
  await admin.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await admin.getByLabel('Password again').fill(PASSWORD);
  await admin.getByRole('button', { name: 'Create user' }).click();
  await toast(admin, 'Created dev@test-org.test');
  await admin.getByRole('button', { name: 'Actions for dev@test-org.test' }).click();
  await admin.getByRole('menuitem', { name: 'Confirm' }).click();
  await toast(admin, 'dev@test-org.test can now sign in');
  await snap(admin, 'users');

  const dev = await openConsole(browser);
  await signIn(dev, 'dev@test-org.test', PASSWORD);
  await choosePassword(dev, PASSWORD, OWN_PASSWORD);
  const table = dev.getByRole('table', { name: 'Organizations' });
  await expect(table).toContainText('test-org');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(dev.getByRole('button', { name: 'New organization' })).toHaveCount(0);
  await dev.context().close();
});

test('walks an agent draft → deploying → active → paused → active, then fail and redeploy', async () => {
  await go(admin, 'Agents');
  await choose(admin, 'Organization', /Test Org/);
  await admin.getByRole('button', { name: 'New agent' }).click();
  await admin.getByLabel('Name').fill('Walker');
  await admin.getByLabel('System prompt').fill('You walk through every state.');
  await admin.getByRole('button', { name: 'Create agent' }).click();
  await expect(admin.getByRole('heading', { name: /Walker/ })).toBeVisible();
  for (const [button, status] of [
    ['Deploy', 'deploying'],
    ['Activate', 'active'],
    ['Pause', 'paused'],
    ['Resume', 'active'],
    ['Mark failed', 'error'],
    ['Redeploy', 'deploying'],
  ] as const) {
    await admin.getByRole('button', { name: button, exact: true }).click();
    await toast(admin, `Walker is now ${status}`);
  }
  await expect(admin.getByRole('button', { name: 'Deploy', exact: true })).toHaveCount(0);
  await expect(admin.getByRole('button', { name: 'Activate', exact: true })).toBeVisible();
  const history = admin.getByLabel('Transition history');
  for (const step of [
    'draft → deploying',
    'deploying → active',
    'active → paused',
    'paused → active',
    'active → error',
    'error → deploying',
  ]) {
    await expect(history).toContainText(step);
  }
  await snap(admin, 'agent-detail');
});

async function createAgentFromList(page: Page, name: string) {
  await page.getByRole('button', { name: 'New agent' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('System prompt').fill('p');
  await page.getByRole('button', { name: 'Create agent' }).click();
}

test('refuses the fourth agent of a free organization with the reason', async () => {
  await go(admin, 'Agents');
  for (const name of ['Second', 'Third']) {
    await createAgentFromList(admin, name);
    await expect(admin.getByRole('heading', { name: new RegExp(name) })).toBeVisible();
    await go(admin, 'Agents');
  }
  await createAgentFromList(admin, 'Fourth');
  await toast(admin, /already has 3 of 3 agents allowed on the free tier/);
  await admin.keyboard.press('Escape');
  await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('Third');
  await snap(admin, 'agents');
});

test('explains a refused downgrade', async () => {
  await go(admin, 'Organizations');
  await admin.getByRole('row', { name: /Test Org/ }).click();
  await admin.getByRole('button', { name: 'Change tier' }).click();
  await admin.getByRole('dialog').getByText('pro', { exact: true }).click();
  await admin.getByRole('button', { name: 'Change to pro' }).click();
  await toast(admin, 'Test Org is now on the pro tier');
  await go(admin, 'Agents');
  await createAgentFromList(admin, 'Fourth');
  await expect(admin.getByRole('heading', { name: /Fourth/ })).toBeVisible();
  await go(admin, 'Organizations');
  await admin.getByRole('row', { name: /Test Org/ }).click();
  await admin.getByRole('button', { name: 'Change tier' }).click();
  await admin.getByRole('dialog').getByText('free', { exact: true }).click();
  await expect(admin.getByRole('table', { name: 'Limits before and after' })).toContainText('999');
  await admin.getByRole('button', { name: 'Change to free' }).click();
  await expect(admin.getByRole('dialog').getByRole('alert')).toContainText(
    'has 4 agents; the free tier allows 3',
  );
  await snap(admin, 'change-tier-refused');
  await admin.getByRole('button', { name: 'Cancel' }).click();
});

test('attaches skills to an agent, reorders them, and previews the effective prompt', async () => {
  const planner = await admin.evaluate(() =>
    window.fleet.invoke('skills.create', {
      name: 'Fleet Planner',
      slug: 'fleet-planner',
      tierRequired: 'enterprise',
      systemPromptEnhancement: 'Plan the fleet.',
    }),
  );
  expect(planner).toMatchObject({ ok: true });
  await go(admin, 'Agents');
  await admin.getByRole('row', { name: /Walker/ }).click();
  const catalog = admin.getByRole('list', { name: 'Skill catalog' });
  await expect(
    catalog.getByRole('button', { name: 'Fleet Planner needs the enterprise tier' }),
  ).toBeDisabled();
  await catalog.getByRole('button', { name: 'Add Web Research' }).click();
  await toast(admin, 'Skill attached');
  await catalog.getByRole('button', { name: 'Add Customer Communication' }).click();
  await toast(admin, 'Skill attached');
  const preview = admin.getByTestId('effective-prompt');
  await expect(preview).toContainText('You walk through every state.');
  await expect(preview).toContainText('You have access to web search capabilities');
  await expect(admin.getByLabel('Effective tools')).toContainText('send_sms');
  const attached = admin.getByRole('list', { name: 'Attached skills' });
  await expect(attached.getByRole('listitem').first()).toContainText('1. Web Research');
  // keyboard dragging: lift with space, move up, drop with space
  await admin.getByLabel('Move Customer Communication').focus();
  await admin.keyboard.press('Space');
  await admin.keyboard.press('ArrowUp');
  await admin.keyboard.press('Space');
  await expect(attached.getByRole('listitem').first()).toContainText('1. Customer Communication');
  await expect
    .poll(async () => {
      const text = (await preview.textContent()) ?? '';
      return text.indexOf('customer service') < text.indexOf('web search');
    })
    .toBe(true);
  await snap(admin, 'agent-skills');
});

async function tick(page: Page, names: string[]) {
  for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
}

async function bulk(page: Page, action: string, summary: string | RegExp) {
  await choose(page, 'Action for the selected agents', action);
  await page.getByRole('button', { name: /^Apply to/ }).click();
  await toast(page, summary);
}

test('pauses several agents at once and says what happened to each', async () => {
  await go(admin, 'Agents');
  await tick(admin, ['Second', 'Third']);
  await bulk(admin, 'Deploy', 'Deploy: 2 done');
  await tick(admin, ['Second', 'Third']);
  await bulk(admin, 'Activate', 'Activate: 2 done');
  await tick(admin, ['Second', 'Third', 'Fourth']);
  await expect(admin.getByRole('region', { name: 'Bulk actions' })).toContainText('3 selected');
  await snap(admin, 'agents-bulk');
  await bulk(admin, 'Pause', 'Pause: 2 done, 1 refused');
  await toast(admin, 'Fourth: An agent that is draft cannot pause');
  await expect(admin.getByRole('row', { name: /Second/ })).toContainText('paused');
  await expect(admin.getByRole('row', { name: /Third/ })).toContainText('paused');
});

test('exports the agents as CSV and JSON, and imports the JSON into another organization', async () => {
  await go(admin, 'Agents');
  const [csv] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^agents-test-org-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await csv.path(), 'utf8');
  expect(text).toMatch(/^\uFEFFname,status,version,/);
  expect(
    text.split('\r\n').filter((line) => /^(Walker|Second|Third|Fourth),/.test(line)),
  ).toHaveLength(4);
  await toast(admin, /4 rows to agents-test-org-/);

  await admin.getByRole('checkbox', { name: 'Select all rows on this page' }).check();
  const [json] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const document = JSON.parse(readFileSync(await json.path(), 'utf8')) as {
    format: string;
    agents: { name: string; skills: string[] }[];
  };
  expect(document.format).toBe('fleetprompt.agents');
  expect(document.agents.find((a) => a.name === 'Walker')?.skills).toEqual([
    'customer-communication',
    'web-research',
  ]);

  await choose(admin, 'Organization', /Demo Company/);
  await admin.getByRole('button', { name: 'Import' }).click();
  // Mantine's FileInput is a button over a hidden file input
  await admin
    .getByRole('dialog')
    .locator('input[type="file"]')
    .setInputFiles(await json.path());
  await admin.getByRole('dialog').getByText('Import a renamed copy').click();
  await snap(admin, 'agents-import');
  await admin.getByRole('button', { name: 'Import', exact: true }).last().click();
  await expect(admin.getByRole('list', { name: 'Import result' })).toContainText('Walker: created');
  await admin.getByRole('button', { name: 'Done' }).click();
  await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('Walker');
});

test('creates, edits and deletes a skill', async () => {
  await go(admin, 'Skills');
  await expect(admin.getByRole('table', { name: 'Skills' })).toContainText('Web Research');
  await admin.getByRole('button', { name: 'New skill' }).click();
  await admin.getByLabel('Name').fill('Data Digest');
  await admin.getByLabel('Slug').fill('data-digest');
  await choose(admin, 'Category', 'data analysis');
  await admin.getByRole('combobox', { name: 'Tools' }).fill('sql_query');
  await admin.getByRole('combobox', { name: 'Tools' }).press('Enter');
  await admin.getByLabel('System prompt enhancement').fill('Summarise the data.');
  await admin.getByRole('button', { name: 'Add skill' }).click();
  await toast(admin, 'Added Data Digest to the catalog');
  await admin.getByRole('button', { name: 'Actions for Data Digest' }).click();
  await admin.getByRole('menuitem', { name: 'Edit' }).click();
  await admin.getByLabel('Name').fill('Data Digest Pro');
  await admin.getByRole('button', { name: 'Save' }).click();
  await toast(admin, 'Saved Data Digest Pro');
  await snap(admin, 'skills');
  await admin.getByRole('button', { name: 'Actions for Data Digest Pro' }).click();
  await admin.getByRole('menuitem', { name: 'Delete' }).click();
  await admin.getByRole('button', { name: 'Delete skill' }).click();
  await toast(admin, 'Skill deleted');
  await expect(admin.getByRole('table', { name: 'Skills' })).not.toContainText('Data Digest');
});

test('a user-role account sees no write buttons', async ({ browser }) => {
  await admin.evaluate(async (password) => {
    const orgs = (await window.fleet.invoke('organizations.list', { search: 'demo' })) as {
      data: { items: { id: string }[] };
    };
    const created = (await window.fleet.invoke('users.create', {
      organizationId: orgs.data.items[0]!.id,
      email: 'reader@demo.test',
      name: 'Reader',
      role: 'user',
      password,
    })) as { data: { id: string } };
    await window.fleet.invoke('users.confirm', { id: created.data.id });
  }, PASSWORD);
  const reader = await openConsole(browser);
  await signIn(reader, 'reader@demo.test', PASSWORD);
  await choosePassword(reader, PASSWORD, OWN_PASSWORD);
  await expect(reader.getByRole('table', { name: 'Organizations' })).toContainText('Demo Company');
  await expect(reader.getByRole('button', { name: 'New organization' })).toHaveCount(0);
  await go(reader, 'Agents');
  await choose(reader, 'Organization', /Demo Company/);
  await expect(reader.getByRole('table', { name: 'Agents' })).toContainText('Research Assistant');
  await expect(reader.getByRole('button', { name: 'New agent' })).toHaveCount(0);
  await reader.getByRole('row', { name: /Research Assistant/ }).click();
  await expect(reader.getByRole('heading', { name: /Research Assistant/ })).toBeVisible();
  await expect(reader.getByRole('button', { name: 'Deploy' })).toHaveCount(0);
  await go(reader, 'Skills');
  await expect(reader.getByRole('button', { name: 'New skill' })).toHaveCount(0);
  await expect(reader.getByRole('navigation', { name: 'Screens' })).not.toContainText('Audit log');
  await reader.context().close();
});

test('shows the lockout after five bad passwords', async ({ browser }) => {
  const page = await openConsole(browser);
  for (let i = 1; i <= 5; i++) {
    await signIn(page, 'dev@test-org.test', `wrong password ${i}`);
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await expect(page.getByRole('alert')).toContainText('Too many failed sign-ins');
  await expect(page.getByRole('alert')).toContainText('Temporarily locked');
  await snap(page, 'sign-in-locked');
  await page.context().close();
});

test('shows the audit log and settings', async () => {
  await go(admin, 'Audit log');
  await expect(admin.getByRole('table', { name: 'Audit events' })).toContainText(
    'organizations.changeTier',
  );
  await snap(admin, 'audit');
  await go(admin, 'Settings');
  await expect(admin.getByText('Data directory')).toBeVisible();
  await snap(admin, 'settings');
});

test('deletes test-org by retyping the slug, and its schema is gone', async () => {
  await go(admin, 'Organizations');
  await admin.getByRole('row', { name: /Test Org/ }).click();
  await admin.getByRole('button', { name: 'Delete' }).click();
  const confirm = admin.getByRole('button', { name: 'Delete organization' });
  await expect(confirm).toBeDisabled();
  await admin.getByLabel(/Type test-org to confirm/).fill('test-org');
  await snap(admin, 'delete-organization');
  await confirm.click();
  await toast(admin, 'dropped org_test-org');
  await go(admin, 'Tenancy');
  await expect(admin.getByRole('table', { name: 'Tenant schemas' })).toContainText('org_demo');
  await expect(admin.getByRole('table', { name: 'Tenant schemas' })).not.toContainText(
    'org_test-org',
  );
});
