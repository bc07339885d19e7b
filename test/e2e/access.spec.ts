import { expect, type Page } from '@playwright/test';
import { test, organizationWith, userIn, visit } from './fixtures.ts';
import { choosePassword, openConsole, signIn, snap } from './support.ts';

/*
 * The console as the access table and the shared rules see it: a role is
 * shown only what it may use, and an action the rules already refuse is
 * disabled with its reason and the way forward before anyone tries it.
 */

const PASSWORD = 'set by an administrator';
const OWN = 'a passphrase of my own';

/** A new window signed in as a fresh account of `role` in a new organization. */
/** The screen photographed (and audited) at the two sizes operators use, light and dark. */
async function photograph(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await snap(page, `${name}-${width}`);
  }
}

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
  const nav = page.getByRole('navigation', { name: 'Screens' });
  for (const [path, label] of [
    ['/settings', 'Settings'],
    ['/tenancy', 'Tenancy'],
    ['/audit', 'Audit log'],
  ] as const) {
    await expect(nav.getByRole('link', { name: label })).toHaveCount(0);
    await visit(page, path);
    await expect(
      page.getByRole('heading', { name: `${label} is not available to your role` }),
    ).toBeVisible();
    // nothing of the screen itself: no button whose every call would be refused
    await expect(page.getByRole('main').getByRole('button')).toHaveCount(0);
    if (path === '/settings') await photograph(page, 'access-not-for-role');
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
