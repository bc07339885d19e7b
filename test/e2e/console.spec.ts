import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { startConsoleServer } from './console-server.ts';
import {
  ADMIN,
  adminPage,
  api,
  organizationWith,
  unique,
  userIn,
  visit,
  test,
} from './fixtures.ts';
import {
  choose,
  choosePassword,
  go,
  openConsole,
  seed,
  signIn,
  signOut,
  snap,
  snapAtBothSizes,
  toast,
  toastAudited,
} from './support.ts';

/*
 * An operator's day on the real screens. Each test makes what it needs
 * through the console's API under names of its own and signs in a window of
 * its own, so one failure does not take the others with it. Screens and
 * dialogs are photographed and audited (axe-core) in both colour schemes.
 */

const PASSWORD = 'correct horse battery';
/** What users created by an administrator choose at their first sign-in. */
const OWN_PASSWORD = 'my very own secret';

test('first run creates the first administrator', async ({ browser }) => {
  const server = await startConsoleServer();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Welcome to FleetPrompt' })).toBeVisible();
    // for an operator: no command in a sentence
    await expect(page.locator('body')).not.toContainText('npm run');
    await snap(page, 'first-run');
    await page.getByLabel('Organization name').fill('Acme Operations');
    await expect(page.getByLabel('Slug')).toHaveValue('acme-operations');
    await expect(
      page.getByText('Its data is kept as org_acme-operations.', { exact: false }),
    ).toBeVisible();
    await page.getByLabel('Your name').fill('Olive Operator');
    await page.getByLabel('Email').fill('olive@acme.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
    await snap(page, 'fleet-new-console');
    await go(page, 'Organizations');
    await expect(page.getByRole('table', { name: 'Organizations' })).toContainText(
      'acme-operations',
    );
    await page.context().close();
  } finally {
    await server.stop();
  }
});

test('Load demo data in Settings loads the demo company; npm run seed then finds it there', async ({
  browser,
}) => {
  const server = await startConsoleServer();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    // this console's own first administrator, made through its API from the page
    await page.evaluate(
      async ([password]) =>
        window.fleet.invoke('auth.createFirstAdmin', {
          organizationName: 'Solo',
          slug: 'solo',
          email: 'solo@acme.test',
          name: 'Solo',
          password,
        }),
      [PASSWORD],
    );
    await page.reload();
    await go(page, 'Settings');
    await page.getByRole('button', { name: 'Load demo data' }).click();
    await toast(page, 'Demo data loaded: 6 records created');
    expect(seed(server)).toContain('Nothing to do: the demo data was already loaded.');
    await signOut(page);
    await snap(page, 'sign-in');
    await signIn(page, 'admin@demo.com', 'password123');
    await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
    await snap(page, 'choose-password');
    await choosePassword(page, 'password123', 'demo admin chose this');
    await go(page, 'Organizations');
    await expect(page.getByRole('table', { name: 'Organizations' })).toContainText('Demo Company');
    await page.context().close();
  } finally {
    await server.stop();
  }
});

test('creates an organization and sees its schema in Tenancy', async ({ browser }) => {
  const admin = await adminPage(browser);
  await go(admin, 'Organizations');
  await snap(admin, 'organizations');
  const slug = unique('new-org');
  await admin.getByRole('button', { name: 'New organization' }).click();
  await admin.getByLabel('Name').fill(`New Org ${slug}`);
  await admin.getByLabel('Slug').fill(slug);
  // the slug's help says what it names, in words, and that it can be renamed (issue 32)
  const help = admin.getByText(`Its data is kept as org_${slug}.`, { exact: false });
  await expect(help).toContainText('You can rename the slug later');
  await expect(admin.getByRole('dialog')).not.toContainText('cannot be changed');
  await expect(admin.getByRole('dialog')).not.toContainText('schema');
  await snap(admin, 'new-organization');
  await admin.getByRole('button', { name: 'Create organization' }).click();
  await toastAudited(admin, `Created New Org ${slug}`, 'notification');
  await expect(admin.getByRole('heading', { name: `New Org ${slug}` })).toBeVisible();
  await snap(admin, 'organization-detail');
  await go(admin, 'Tenancy');
  await expect(
    admin.getByRole('table', { name: 'Organizations by structure level' }),
  ).toContainText(`org_${slug}`);
  await snap(admin, 'tenancy');
});

test('creates a developer in an organization, who sees only that organization', async ({
  browser,
}) => {
  const { organization } = await organizationWith('dev-org', 'pro');
  const email = `${unique('dev')}@e2e.test`;
  const admin = await adminPage(browser);
  await go(admin, 'Users');
  await admin.getByRole('button', { name: 'New user' }).click();
  await choose(admin, 'Organization', new RegExp(organization.name));
  await admin.getByLabel('Email').fill(email);
  await admin.getByLabel('Name').fill('Dana Developer');
  await choose(admin, 'Role', 'Developer');
  await admin.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await admin.getByLabel('Password again').fill(PASSWORD);
  await snap(admin, 'new-user');
  await admin.getByRole('button', { name: 'Create user' }).click();
  await toast(admin, `Created ${email}`);
  await admin.getByRole('button', { name: `Actions for ${email}` }).click();
  await admin.getByRole('menuitem', { name: 'Confirm' }).click();
  await toast(admin, `${email} can now sign in`);
  // the role by its name, not its stored value
  await expect(admin.getByRole('row', { name: new RegExp(email) })).toContainText('Developer');
  await snap(admin, 'users');

  const dev = await openConsole(browser);
  await signIn(dev, email, PASSWORD);
  await choosePassword(dev, PASSWORD, OWN_PASSWORD);
  await expect(dev.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  await expect(dev.getByText(`${organization.name} at a glance.`)).toBeVisible();
  await go(dev, 'Organizations');
  const table = dev.getByRole('table', { name: 'Organizations' });
  await expect(table).toContainText(organization.slug);
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(dev.getByRole('button', { name: 'New organization' })).toHaveCount(0);
});

test("sets a user's password from the Users screen, who must then choose their own", async ({
  browser,
}) => {
  const { organization } = await organizationWith('reset-org', 'pro');
  const user = await userIn(organization.id, 'user', PASSWORD);
  const admin = await adminPage(browser);
  await go(admin, 'Users');
  await admin.getByRole('button', { name: `Actions for ${user.email}` }).click();
  await admin.getByRole('menuitem', { name: 'Set password' }).click();
  const dialog = admin.getByRole('dialog', { name: `Set password of ${user.email}` });
  await dialog.getByLabel('New password', { exact: true }).fill(OWN_PASSWORD);
  await dialog.getByLabel('New password again').fill(OWN_PASSWORD);
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await toast(admin, `New password set for ${user.email}; their sessions were ended`);
  await expect(dialog).toBeHidden();

  const page = await openConsole(browser);
  await signIn(page, user.email, OWN_PASSWORD);
  await expect(page.getByRole('button', { name: 'Set password and continue' })).toBeVisible();
});

/** The agents list of an organization, opened through a link that names it. */
async function agentsOf(page: Page, organizationId: string) {
  await visit(page, `/agents?org=${organizationId}`);
  await expect(page.getByRole('heading', { name: 'Agents' })).toBeVisible();
}

test('walks an agent draft → deploying → active → paused → active, then fail and redeploy', async ({
  browser,
}) => {
  const { organization } = await organizationWith('walk', 'pro', ['Elder']);
  for (const name of ['Scribe', 'Reader']) {
    const config = { model: 'gpt-4o-mini' };
    await api('agents.create', {
      organizationId: organization.id,
      name,
      systemPrompt: 'p',
      config,
    });
  }
  const admin = await adminPage(browser);
  await go(admin, 'Agents');
  await choose(admin, 'Organization', new RegExp(organization.name));
  await admin.getByRole('button', { name: 'New agent' }).click();
  await admin.getByLabel('Name').fill('Walker');
  await admin.getByLabel('System prompt').fill('You walk through every state.');
  // the models the organization's agents use, most used first, chosen by the keyboard alone
  await admin.getByLabel('Name').focus();
  await admin.keyboard.press('Tab');
  await admin.keyboard.press('Tab');
  const model = admin.getByRole('combobox', { name: 'Model' });
  await expect(model).toBeFocused();
  await expect(admin.getByRole('option')).toHaveText([
    'gpt-4o-mini · 2 agents',
    'claude-sonnet-4 · 1 agent',
  ]);
  await snapAtBothSizes(admin, 'new-agent-models');
  await admin.keyboard.press('ArrowDown');
  await admin.keyboard.press('Enter');
  await expect(model).toHaveValue('gpt-4o-mini');
  await admin.getByRole('button', { name: 'Create agent' }).click();
  await expect(admin.getByRole('heading', { name: /Walker/ })).toBeVisible();
  await expect(admin.getByText('Model gpt-4o-mini')).toBeVisible();
  for (const [button, status] of [
    ['Deploy', 'deploying'],
    ['Activate', 'active'],
    ['Pause', 'paused'],
    ['Resume', 'active'],
    ['Mark failed', 'error'],
    ['Redeploy', 'deploying'],
  ] as const) {
    await admin.getByRole('button', { name: button, exact: true }).click();
    if (button === 'Mark failed') await admin.getByLabel('Reason').fill('Walked into a wall');
    // steps that take an agent off work or restart it are confirmed
    if (['Pause', 'Mark failed', 'Redeploy'].includes(button)) {
      await admin.getByRole('dialog').getByRole('button', { name: button }).click();
    }
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

test("opens the Agents screen on the organization the link names, and on the operator's own otherwise", async ({
  browser,
}) => {
  const { organization } = await organizationWith('linked', 'free', ['Linked Agent']);
  const admin = await adminPage(browser);
  await go(admin, 'Agents');
  await expect(admin.getByRole('combobox', { name: 'Organization' })).toHaveValue(
    /Acme Operations/,
  );
  await expect(admin).toHaveURL(/org=/);
  await agentsOf(admin, organization.id);
  await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('Linked Agent');
  // the last pick is remembered for this operator
  await go(admin, 'Skills');
  await go(admin, 'Agents');
  await expect(admin.getByRole('combobox', { name: 'Organization' })).toHaveValue(
    new RegExp(organization.name),
  );
});

test('attaches skills to an agent, reorders them, and previews the effective prompt', async ({
  browser,
}) => {
  const { organization, agents } = await organizationWith('skills', 'pro', ['Composer']);
  const planner = unique('planner');
  await api('skills.create', {
    name: `Planner ${planner}`,
    slug: planner,
    tierRequired: 'enterprise',
    systemPromptEnhancement: 'Plan the fleet.',
  });
  const admin = await adminPage(browser);
  await visit(admin, `/agents/${organization.id}/${agents[0]!.id}`);
  const catalog = admin.getByRole('list', { name: 'Skill catalog' });
  // a skill above the tier: disabled, the reason under it, and the way to the tier
  const locked = catalog.getByRole('button', {
    name: `Add Planner ${planner}`,
  });
  await expect(locked).toBeDisabled();
  await expect(locked).toHaveAccessibleDescription(
    `Planner ${planner} needs the Enterprise tier; ${organization.name} is on Pro. Upgrade to Enterprise`,
  );
  await expect(catalog.getByRole('link', { name: 'Upgrade to Enterprise' })).toHaveAttribute(
    'href',
    `/organizations/${organization.id}`,
  );
  await catalog.getByRole('button', { name: 'Add Web Research' }).click();
  await toast(admin, 'Skill attached');
  await catalog.getByRole('button', { name: 'Add Customer Communication' }).click();
  await toast(admin, 'Skill attached');
  const preview = admin.getByTestId('effective-prompt');
  await expect(preview).toContainText('You have access to web search capabilities');
  await expect(admin.getByLabel('Effective tools')).toContainText('Send SMS');
  await expect(admin.getByLabel('Effective tools')).not.toContainText('send_sms');
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
  await snapAtBothSizes(admin, 'agent-skills');
});

async function tick(page: Page, names: string[]) {
  for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
}

async function bulk(page: Page, action: string, summary: string | RegExp) {
  await choose(page, 'Action for the selected agents', action);
  await page.getByRole('button', { name: /^Apply to/ }).click();
  // a step that takes agents off work is confirmed, its preview shown once more
  if (action === 'Pause')
    await page.getByRole('dialog').getByRole('button', { name: action }).click();
  await toast(page, summary);
}

test('pauses several agents at once and says what happened to each', async ({ browser }) => {
  const { organization } = await organizationWith('bulk', 'pro', ['Second', 'Third', 'Fourth']);
  const admin = await adminPage(browser);
  await agentsOf(admin, organization.id);
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

test('exports the agents as CSV and JSON, and imports the JSON into another organization', async ({
  browser,
}) => {
  const { organization, agents } = await organizationWith('export', 'pro', [
    'Walker',
    'Second',
    'Third',
    'Fourth',
  ]);
  const skills = await api('skills.list', { search: 'communication' });
  await api('agents.attachSkill', {
    organizationId: organization.id,
    agentId: agents[0]!.id,
    skillId: skills.items[0]!.id,
  });
  const target = await organizationWith('import', 'pro');
  const admin = await adminPage(browser);
  await agentsOf(admin, organization.id);
  const [csv] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(
    new RegExp(`^agents-${organization.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  const text = readFileSync(await csv.path(), 'utf8');
  expect(text).toMatch(/^\uFEFFname,status,version,/);
  expect(
    text.split('\r\n').filter((line) => /^(Walker|Second|Third|Fourth),/.test(line)),
  ).toHaveLength(4);
  await toast(admin, new RegExp(`4 rows to agents-${organization.slug}-`));

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
  ]);

  await choose(admin, 'Organization', new RegExp(target.organization.name));
  await admin.getByRole('button', { name: 'Import' }).click();
  // Mantine's FileInput is a button over a hidden file input
  const file = admin.getByRole('dialog').locator('input[type="file"]');
  // a file is checked as soon as it is chosen, in words, before Import is pressed
  const broken = { ...document, agents: [{ name: 'Broken' }] };
  await file.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  const refused = admin.getByRole('dialog').getByRole('alert');
  await expect(refused).toContainText('broken.json cannot be imported as it is');
  await expect(refused).not.toContainText('agents.0');
  await snap(admin, 'agents-import-refused');
  await file.setInputFiles(await json.path());
  await expect(refused).toHaveCount(0);
  await expect(admin.getByRole('dialog').getByRole('status')).toContainText('4 agents to import');
  await admin.getByRole('dialog').getByText('Import a renamed copy').click();
  await snap(admin, 'agents-import');
  await admin.getByRole('button', { name: 'Import', exact: true }).last().click();
  await expect(admin.getByRole('list', { name: 'Import result' })).toContainText('Walker: created');
  await admin.getByRole('button', { name: 'Done' }).click();
  await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('Walker');
});

test('creates, edits and deletes a skill', async ({ browser }) => {
  const slug = unique('digest');
  const admin = await adminPage(browser);
  await go(admin, 'Skills');
  await expect(admin.getByRole('table', { name: 'Skills' })).toContainText('Web Research');
  await admin.getByRole('button', { name: 'New skill' }).click();
  await admin.getByLabel('Name').fill(`Digest ${slug}`);
  await admin.getByLabel('Slug').fill(slug);
  await choose(admin, 'Category', 'Data analysis');
  await admin.getByRole('combobox', { name: 'Tools' }).fill('sql_query');
  await admin.getByRole('combobox', { name: 'Tools' }).press('Enter');
  await admin.getByLabel('System prompt enhancement').fill('Summarise the data.');
  await snap(admin, 'new-skill');
  await admin.getByRole('button', { name: 'Add skill' }).click();
  await toast(admin, `Added Digest ${slug} to the catalog`);
  await admin.getByRole('button', { name: `Actions for Digest ${slug}` }).click();
  await admin.getByRole('menuitem', { name: 'Edit' }).click();
  await admin.getByLabel('Name').fill(`Digest Pro ${slug}`);
  await admin.getByRole('button', { name: 'Save' }).click();
  await toast(admin, `Saved Digest Pro ${slug}`);
  await snap(admin, 'skills');
  await admin.getByRole('button', { name: `Actions for Digest Pro ${slug}` }).click();
  await admin.getByRole('menuitem', { name: 'Delete' }).click();
  await snap(admin, 'confirm-delete-skill');
  await admin.getByRole('button', { name: 'Delete skill' }).click();
  await toast(admin, 'Skill deleted');
  await expect(admin.getByRole('table', { name: 'Skills' })).not.toContainText(slug);
});

test('a user-role account sees no write buttons', async ({ browser }) => {
  const { organization } = await organizationWith('read', 'pro', ['Readable']);
  const reader = await userIn(organization.id, 'user', PASSWORD);
  const page = await openConsole(browser);
  await signIn(page, reader.email, PASSWORD);
  await choosePassword(page, PASSWORD, OWN_PASSWORD);
  await go(page, 'Organizations');
  await expect(page.getByRole('table', { name: 'Organizations' })).toContainText(organization.slug);
  await expect(page.getByRole('button', { name: 'New organization' })).toHaveCount(0);
  await go(page, 'Agents');
  await expect(page.getByRole('table', { name: 'Agents' })).toContainText('Readable');
  await expect(page.getByRole('button', { name: 'New agent' })).toHaveCount(0);
  await page.getByRole('row', { name: /Readable/ }).click();
  await expect(page.getByRole('heading', { name: /Readable/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deploy' })).toHaveCount(0);
  await go(page, 'Skills');
  await expect(page.getByRole('button', { name: 'New skill' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Screens' })).not.toContainText('Audit log');
});

test('shows the lockout after five bad passwords', async ({ browser }) => {
  const { organization } = await organizationWith('locked', 'pro');
  const victim = await userIn(organization.id, 'developer', PASSWORD);
  const page = await openConsole(browser);
  for (let i = 1; i <= 5; i++) {
    await signIn(page, victim.email, `wrong password ${i}`);
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await expect(page.getByRole('alert')).toContainText('Too many failed sign-ins');
  await expect(page.getByRole('alert')).toContainText('Temporarily locked');
  await snap(page, 'sign-in-locked');
});

test('opens the jump-to palette and the change-password dialog from the keyboard alone', async ({
  browser,
}) => {
  const admin = await adminPage(browser);
  await admin.keyboard.press('Control+K');
  await expect(
    admin.getByPlaceholder('Screens, organizations, agents, users, skills, actions…'),
  ).toBeVisible();
  await snap(admin, 'spotlight');
  await admin.keyboard.press('Escape');
  await pressUntilFocused(admin, 'Tab', admin.getByRole('button', { name: /^Account of/ }));
  await admin.keyboard.press('Enter');
  await pressUntilFocused(
    admin,
    'ArrowDown',
    admin.getByRole('menuitem', { name: 'Change password' }),
  );
  await admin.keyboard.press('Enter');
  const dialog = admin.getByRole('dialog', { name: 'Change password' });
  await expect(dialog).toBeVisible();
  // Escape is the dialog's once the focus is in it: a keyboard user's next key lands there
  await expect
    .poll(() => dialog.evaluate((open) => open.contains(document.activeElement)))
    .toBe(true);
  await snap(admin, 'change-password');
  await admin.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

/** Presses `key` until `target` has the focus (at most thirty times): no click, no mouse. */
async function pressUntilFocused(page: Page, key: string, target: Locator): Promise<void> {
  for (let i = 0; i < 30; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

test('shows the audit log and settings', async ({ browser }) => {
  await organizationWith('audited', 'free');
  const admin = await adminPage(browser);
  await go(admin, 'Audit log');
  await expect(admin.getByRole('table', { name: 'Audit events' })).toContainText(
    'Created organization',
  );
  // every organization's events: the widest Target column, at both sizes
  await snapAtBothSizes(admin, 'audit');
  await go(admin, 'Settings');
  await expect(admin.getByText('Data folder')).toBeVisible();
  // the restore command on a line of its own, to copy, never inside a sentence
  await expect(admin.getByLabel('Command that restores a backup', { exact: true })).toHaveText(
    'npm run db:restore -- FILE',
  );
  await expect(admin.getByText('npm run', { exact: false })).toHaveCount(1);
  await expect(admin.getByRole('button', { name: /^Copy: Command that restores/ })).toBeVisible();
  // the toggle is the saved choice, which DATABASE_URL overrides: said so above it
  await expect(
    admin.getByText(
      process.env.E2E_DATABASE_URL
        ? 'Saved choice, used by a start without DATABASE_URL'
        : 'Saved choice, used from the next start',
    ),
  ).toBeVisible();
  // on a server the tests connect as a superuser, and the warning gives the least-privilege
  // role's commands; the embedded database's console role is none
  const roleCommands = admin.getByLabel('A role for the console', { exact: true });
  if (process.env.E2E_DATABASE_URL)
    await expect(roleCommands).toContainText('create database fleetprompt owner fleetprompt;');
  else await expect(roleCommands).toHaveCount(0);
  await snap(admin, 'settings');

  // how many daily backups are kept, from the keyboard: a wrong number is said before it is sent
  const kept = admin.getByLabel('Daily backups kept');
  await pressUntilFocused(admin, 'Tab', kept);
  await expect(kept).toHaveValue('7');
  // a disabled Save says why beside it
  const saveKept = admin.getByRole('button', { name: 'Save number kept' });
  await expect(saveKept).toHaveAccessibleDescription('The newest 7 are kept already');
  await admin.keyboard.press('ControlOrMeta+A');
  await admin.keyboard.type('400');
  await expect(admin.getByText('Daily backups kept must be at most 365')).toBeVisible();
  await expect(saveKept).toBeDisabled();
  await expect(saveKept).toHaveAccessibleDescription('Correct the number first');
  await snap(admin, 'settings-backups-kept-refused');
  await admin.keyboard.press('ControlOrMeta+A');
  await admin.keyboard.type('14');
  await admin.keyboard.press('Enter');
  await toast(admin, 'Daily backups: the newest 14 are kept');
  await expect(kept).toHaveValue('14');
});

test('deletes an organization by retyping the slug, and its schema is gone', async ({
  browser,
}) => {
  const { organization } = await organizationWith('doomed', 'free');
  const admin = await adminPage(browser);
  await visit(admin, `/organizations/${organization.id}`);
  await admin.getByRole('button', { name: 'Delete' }).click();
  const confirm = admin.getByRole('button', { name: 'Delete organization' });
  await expect(confirm).toBeDisabled();
  await admin
    .getByLabel(new RegExp(`Type ${organization.slug} to confirm`))
    .fill(organization.slug);
  await snap(admin, 'delete-organization');
  await confirm.click();
  await toast(admin, `Deleted ${organization.name} and all its data`);
  await go(admin, 'Tenancy');
  await expect(
    admin.getByRole('table', { name: 'Organizations by structure level' }),
  ).toContainText('org_demo');
  await expect(
    admin.getByRole('table', { name: 'Organizations by structure level' }),
  ).not.toContainText(`org_${organization.slug}`);
});

test('shows the fleet at a glance and finds an agent of any organization by name', async ({
  browser,
}) => {
  const { organization } = await organizationWith('fleet', 'free', ['Needle', 'Hay']);
  const admin = await adminPage(browser);
  await expect(admin.getByRole('table', { name: 'Organizations by billing status' })).toBeVisible();
  await admin.getByLabel('Find an agent in any organization').fill('Needl');
  const found = admin.getByRole('table', { name: 'Agents found' });
  await expect(found).toContainText('Needle');
  await expect(found).toContainText(organization.name);
  await snap(admin, 'fleet');
  await found.getByRole('link', { name: 'Needle' }).click();
  await expect(admin.getByRole('heading', { name: /Needle/ })).toBeVisible();
});

test("shows another console's change without a reload", async ({ browser }) => {
  const { organization, agents } = await organizationWith('live', 'pro', ['Before']);
  const second = await startConsoleServer({
    home: process.env.E2E_HOME ?? '',
    databaseUrl: process.env.E2E_DATABASE_URL || undefined,
  });
  try {
    const admin = await adminPage(browser);
    await agentsOf(admin, organization.id);
    await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('Before');
    // the other operator, on the other console
    const other = await (await browser.newContext()).newPage();
    await other.goto(second.url);
    await signIn(other, ADMIN.email, ADMIN.password);
    await expect(other.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
    await other.evaluate(
      async ([organizationId, id, version]) =>
        window.fleet.invoke('agents.update', { organizationId, id, version, name: 'After' }),
      [organization.id, agents[0]!.id, agents[0]!.version] as const,
    );
    await expect(admin.getByRole('table', { name: 'Agents' })).toContainText('After');
    await expect(admin.getByRole('table', { name: 'Agents' })).not.toContainText('Before');
  } finally {
    await second.stop();
  }
});
