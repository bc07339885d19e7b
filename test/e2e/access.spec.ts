import { expect, type Locator, type Page } from '@playwright/test';
import type { AgentEvent } from '../../src-shared/domain/agent-machine.ts';
import { adminPage, api, organizationWith, test, userIn, visit } from './fixtures.ts';
import { choosePassword, openConsole, signIn, snap, snapAtBothSizes, toast } from './support.ts';

/*
 * The console as the access table and the shared rules see it: a role is
 * shown only what it may use, and an action the rules already refuse is
 * disabled with its reason and the way forward before anyone tries it.
 */

const PASSWORD = 'set by an administrator';
const OWN = 'a passphrase of my own';

/** A new window signed in as a fresh account of `role` in a new organization. */
async function signedInAs(
  browser: Parameters<typeof openConsole>[0],
  role: 'user' | 'developer',
): Promise<Page> {
  const { organization } = await organizationWith(role, 'free');
  const user = await userIn(organization.id, role, PASSWORD);
  const page = await openConsole(browser);
  await signIn(page, user.email, PASSWORD);
  await choosePassword(page, PASSWORD, OWN);
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  return page;
}

test('a user opening an administrator screen by URL is told it is not for their role', async ({
  browser,
}) => {
  const page = await signedInAs(browser, 'user');
  // an empty card offers no create action to a role that may not create
  await expect(page.getByText('No agents yet.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'New agent' })).toHaveCount(0);
  const nav = page.getByRole('navigation', { name: 'Screens' });
  for (const [path, label] of [
    ['/settings', 'Settings'],
    ['/tenancy', 'Tenancy'],
    ['/tenancy/structure', 'Tenancy'],
    ['/audit', 'Audit log'],
  ] as const) {
    await expect(nav.getByRole('link', { name: label })).toHaveCount(0);
    await visit(page, path);
    await expect(
      page.getByRole('heading', { name: `${label} is not available to your role` }),
    ).toBeVisible();
    // nothing of the screen itself: no button whose every call would be refused
    await expect(page.getByRole('main').getByRole('button')).toHaveCount(0);
    if (path === '/settings') await snapAtBothSizes(page, 'access-not-for-role');
  }
  for (const name of ['New organization', 'New user', 'New agent', 'New skill']) {
    const path = {
      'New organization': '/organizations',
      'New user': '/users',
      'New agent': '/agents',
      'New skill': '/skills',
    }[name]!;
    await visit(page, path);
    await expect(page.getByRole('table')).toBeVisible();
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
});

/** An agent of `organizationId` moved through `events` as the administrator. */
async function stepped(organizationId: string, name: string, events: AgentEvent[]) {
  let agent = await api('agents.create', { organizationId, name, systemPrompt: 'p' });
  for (const event of events) {
    agent = await api('agents.transition', {
      organizationId,
      id: agent.id,
      version: agent.version,
      event,
    });
  }
  return agent;
}

test('a new agent at the agent limit is disabled, with the reason and the way forward', async ({
  browser,
}) => {
  const { organization } = await organizationWith('full', 'free', ['One', 'Two', 'Three']);
  const admin = await adminPage(browser);
  await visit(admin, `/agents?org=${organization.id}`);
  await expect(admin.getByRole('button', { name: 'New agent' })).toBeDisabled();
  await expect(admin.getByRole('button', { name: 'New agent' })).toHaveAccessibleDescription(
    `${organization.name} already has 3 of 3 agents allowed on the Free tier. Upgrade the tier or delete an agent first`,
  );
  await expect(admin.getByRole('button', { name: 'Import' })).toBeDisabled();
  await snapAtBothSizes(admin, 'access-agent-limit');
  await admin.getByRole('button', { name: 'Upgrade the tier or delete an agent first' }).click();
  await expect(admin.getByRole('heading', { name: organization.name })).toBeVisible();
});

test('a downgrade below the agent count is disabled in the tier dialog, with the reason', async ({
  browser,
}) => {
  const { organization } = await organizationWith('crowded', 'pro', ['A', 'B', 'C', 'D']);
  const admin = await adminPage(browser);
  await visit(admin, `/organizations/${organization.id}`);
  await admin.getByRole('button', { name: 'Change tier' }).click();
  const dialog = admin.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Change to Pro' })).toHaveAccessibleDescription(
    'It is on Pro now: choose another tier above',
  );
  await dialog.getByText('Free', { exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Change to Free' })).toBeDisabled();
  await expect(dialog).toContainText(
    `${organization.name} has 4 agents; the Free tier allows 3. Delete 1 agent first`,
  );
  await snapAtBothSizes(admin, 'access-tier-downgrade');
  await dialog.getByText('Enterprise', { exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Change to Enterprise' })).toBeEnabled();
});

test('a redeploy in a suspended organization is disabled, with the reason', async ({ browser }) => {
  const { organization } = await organizationWith('unpaid', 'pro');
  const agent = await stepped(organization.id, 'Stranded', ['deploy', 'fail']);
  await api('organizations.update', {
    id: organization.id,
    version: organization.version,
    billingStatus: 'suspended',
  });
  const admin = await adminPage(browser);
  await visit(admin, `/agents/${organization.id}/${agent.id}`);
  const redeploy = admin.getByRole('button', { name: 'Redeploy', exact: true });
  await expect(redeploy).toBeDisabled();
  await expect(redeploy).toHaveAccessibleDescription(
    `${organization.name} is suspended: its agents cannot redeploy until billing is active again. Make the billing status active`,
  );
  await snapAtBothSizes(admin, 'access-suspended-redeploy');
});

test('bulk actions offer only the steps some ticked agent accepts, and preview the outcome', async ({
  browser,
}) => {
  const { organization } = await organizationWith('mixed', 'pro', ['Drafty']);
  await stepped(organization.id, 'Busy one', ['deploy', 'activate']);
  await stepped(organization.id, 'Busy two', ['deploy', 'activate']);
  const admin = await adminPage(browser);
  await visit(admin, `/agents?org=${organization.id}`);
  await admin.getByRole('checkbox', { name: 'Select all rows on this page' }).check();
  const bar = admin.getByRole('region', { name: 'Bulk actions' });
  // nothing chosen yet: Apply says why it waits, under the bar
  await expect(bar.getByRole('button', { name: 'Apply to 3' })).toBeDisabled();
  await expect(bar.getByRole('button', { name: 'Apply to 3' })).toHaveAccessibleDescription(
    'Choose an action to see how many agents it will change before it runs.',
  );
  await bar.getByRole('combobox', { name: 'Action for the selected agents' }).click();
  await expect(admin.getByRole('option')).toHaveText(['Deploy', 'Pause', 'Mark failed']);
  await admin.getByRole('option', { name: 'Pause' }).click();
  await expect(bar.getByRole('status')).toHaveText(
    'Pause: 2 agents will be done, 1 refused (1 is draft)',
  );
  await expect(bar.getByRole('button', { name: 'Apply to 3' })).toHaveAccessibleDescription(
    'Pause: 2 agents will be done, 1 refused (1 is draft)',
  );
  // at a small laptop's width the bar holds two tidy lines: the count with its action and
  // Apply, the other actions beside them or as one unit, then what Apply will do
  await admin.setViewportSize({ width: 1024, height: 700 });
  const middle = async (part: Locator) => {
    const box = await part.boundingBox();
    return box ? box.y + box.height / 2 : Number.NaN;
  };
  const apply = bar.getByRole('button', { name: 'Apply to 3' });
  expect(
    Math.abs((await middle(bar.getByText('3 selected'))) - (await middle(apply))),
  ).toBeLessThan(4);
  const exportJson = bar.getByRole('button', { name: 'Export JSON' });
  const clear = bar.getByRole('button', { name: 'Clear' });
  expect(Math.abs((await middle(exportJson)) - (await middle(clear)))).toBeLessThan(4);
  expect((await bar.boundingBox())?.height).toBeLessThan(140);
  await snapAtBothSizes(admin, 'access-bulk-preview');
  await bar.getByRole('button', { name: 'Apply to 3' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Pause 2 agents?' });
  await expect(dialog).toContainText('Pause: 2 agents will be done, 1 refused (1 is draft).');
  await dialog.getByRole('button', { name: 'Pause' }).click();
  await toast(admin, 'Pause: 2 done, 1 refused');
});

test('"Mark failed" asks for a reason, and the agent shows it', async ({ browser }) => {
  const { organization } = await organizationWith('failing', 'pro');
  const agent = await stepped(organization.id, 'Faltering', ['deploy', 'activate']);
  const admin = await adminPage(browser);
  await visit(admin, `/agents/${organization.id}/${agent.id}`);
  await admin.getByRole('button', { name: 'Mark failed' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Mark Faltering failed?' });
  await expect(dialog.getByLabel('Reason')).toBeFocused();
  await admin.keyboard.press('Enter');
  await expect(dialog).toContainText('Say why the agent failed');
  await snapAtBothSizes(admin, 'access-mark-failed');
  await dialog.getByLabel('Reason').fill('The upstream model answers 500 to every call');
  await admin.keyboard.press('Enter');
  await toast(admin, 'Faltering is now error');
  await expect(
    admin.getByRole('alert').filter({ hasText: 'This agent is in error' }),
  ).toContainText('The upstream model answers 500 to every call');
  await expect(admin.getByLabel('Transition history')).toContainText(
    'Reason: The upstream model answers 500 to every call',
  );
  await snapAtBothSizes(admin, 'access-agent-in-error');
});

test('Ctrl+K opens the palette from a text field, and "deploy <agent>" deploys it', async ({
  browser,
}) => {
  const { organization } = await organizationWith('palette', 'pro', ['Paletted']);
  const admin = await adminPage(browser);
  await visit(admin, '/users');
  await admin.getByPlaceholder('Search email or name…').click();
  await admin.keyboard.press('Control+K');
  const search = admin.getByPlaceholder('Screens, organizations, agents, users, skills, actions…');
  await expect(search).toBeFocused();
  await search.fill('deploy palett');
  const step = admin.getByRole('button', { name: /^Deploy Paletted/ });
  await expect(step).toBeVisible();
  await snapAtBothSizes(admin, 'access-palette');
  await step.click();
  await toast(admin, 'Paletted is now deploying');
  await visit(admin, `/agents?org=${organization.id}`);
  await expect(admin.getByRole('row', { name: /Paletted/ })).toContainText('deploying');
});

test('Enter in the typed confirmation deletes the organization once its slug is typed', async ({
  browser,
}) => {
  const { organization } = await organizationWith('typed', 'free');
  const admin = await adminPage(browser);
  await visit(admin, `/organizations/${organization.id}`);
  await admin.getByRole('button', { name: 'Delete', exact: true }).click();
  const field = admin.getByRole('dialog').getByRole('textbox');
  await expect(field).toBeFocused();
  await admin.keyboard.type(organization.slug.slice(0, -1));
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('dialog')).toBeVisible();
  await admin.keyboard.type(organization.slug.slice(-1));
  await admin.keyboard.press('Enter');
  await toast(admin, `Deleted ${organization.name}`);
  await expect(admin.getByRole('heading', { name: 'Organizations' })).toBeVisible();
});

test('a locked-out user is shown locked, and an administrator unlocks them', async ({
  browser,
}) => {
  const { organization } = await organizationWith('locked', 'free');
  const user = await userIn(organization.id, 'user', PASSWORD);
  for (let i = 0; i < 5; i++) {
    await fetch(`${process.env.E2E_BASE}/rpc/auth.signIn`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${process.env.E2E_TOKEN}`,
        'X-Fleet-Window': `e2e-lockout-${i}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ email: user.email, password: 'not the password' }),
    });
  }
  const admin = await adminPage(browser);
  await visit(admin, `/users?q=${encodeURIComponent(user.email)}`);
  const row = admin.getByRole('row', { name: new RegExp(user.email) });
  await expect(row.getByText('Locked', { exact: true })).toBeVisible();
  await snapAtBothSizes(admin, 'access-user-locked');
  await row.getByRole('button', { name: `Unlock ${user.email}` }).click();
  await toast(admin, `${user.email} can sign in again`);
  await expect(row.getByText('Locked', { exact: true })).toHaveCount(0);
  await row.getByRole('button', { name: `Actions for ${user.email}` }).click();
  await expect(admin.getByRole('menu')).toBeVisible();
  // an open menu is audited too: its items, and a danger item's red, in both schemes
  await snap(admin, 'access-row-menu');
  const page = await openConsole(browser);
  await signIn(page, user.email, PASSWORD);
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
});

test("the edit dialog's Save stays in sight at 1024×700 with a long prompt", async ({
  browser,
}) => {
  const { organization } = await organizationWith('tall', 'pro');
  const agent = await api('agents.create', {
    organizationId: organization.id,
    name: 'Long-winded',
    systemPrompt: Array.from({ length: 40 }, (_, i) => `Rule ${i + 1}: answer briefly.`).join('\n'),
  });
  const admin = await adminPage(browser);
  await admin.setViewportSize({ width: 1024, height: 700 });
  await visit(admin, `/agents/${organization.id}/${agent.id}`);
  await admin.getByRole('button', { name: 'Edit', exact: true }).click();
  const save = admin.getByRole('dialog').getByRole('button', { name: 'Save' });
  await expect(save).toBeInViewport();
  await snapAtBothSizes(admin, 'access-edit-dialog-tall');
});
