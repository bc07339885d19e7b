import { expect, type Browser, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ADMIN, adminPage, api, rpc, test, unique, userIn, visit } from './fixtures.ts';
import {
  choosePassword,
  openConsole,
  signIn,
  signOut,
  snap,
  snapAtBothSizes,
  tabTo,
  toast,
} from './support.ts';

/*
 * Account → Sessions (issue 29): where one is signed in, on every console of
 * the database; one ended here is ended everywhere. An administrator ends
 * all of a user's sessions from Users.
 */

/** The password an administrator gave each test's user, and the one they choose at first sign-in. */
const SET_BY_ADMIN = 'set by an admin 1';
const THEIR_OWN = 'my own password here';

/** A new confirmed user of the shared console's first organization, with SET_BY_ADMIN. */
async function newUser(role: 'user' | 'developer') {
  const { id } = (await api('organizations.list', { page: 1, pageSize: 1 })).items[0]!;
  return userIn(id, role, SET_BY_ADMIN);
}

/** A new user signed in on a window of their own, THEIR_OWN password chosen. */
async function newUserSignedIn(browser: Browser, role: 'user' | 'developer') {
  const user = await newUser(role);
  const page = await openConsole(browser);
  await signIn(page, user.email, SET_BY_ADMIN);
  await choosePassword(page, SET_BY_ADMIN, THEIR_OWN);
  return { user, page };
}

async function openSessions(page: Page, email: string) {
  await page.getByRole('button', { name: `Account of ${email}` }).click();
  await page.getByRole('menuitem', { name: 'Sessions' }).click();
}

test('lists my sessions, marks this one, and ends another everywhere', async ({ browser }) => {
  const { user, page } = await newUserSignedIn(browser, 'developer');
  // a second session of theirs, elsewhere
  const elsewhere = unique('elsewhere');
  await rpc(elsewhere, 'auth.signIn', { email: user.email, password: THEIR_OWN });

  await openSessions(page, user.email);
  const table = page.getByRole('table', { name: 'Your sessions' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('This one');
  await page.getByRole('button', { name: 'End all other sessions' }).click();
  await toast(page, 'Ended 1 other session');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(
    page.getByRole('button', { name: 'End all other sessions' }),
  ).toHaveAccessibleDescription('This is your only session');
  await expect(rpc(elsewhere, 'users.list', { page: 1, pageSize: 5 })).rejects.toThrow(
    /ended your other sessions/,
  );
});

test('sets up two-step sign-in from the QR code and key, then signs in with a code', async ({
  browser,
}) => {
  // two sizes, two schemes, each audited, at three steps of the setup
  test.setTimeout(90_000);
  const { user, page } = await newUserSignedIn(browser, 'developer');
  await openSessions(page, user.email);
  // the setup dialog by keyboard alone
  await tabTo(page, page.getByRole('button', { name: 'Set up' }));
  await page.keyboard.press('Enter');

  const setup = page.getByRole('dialog', { name: 'Set up two-step sign-in' });
  await expect(setup.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = (await setup.getByTestId('second-factor-secret').innerText()).replace(/\s/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  await snap(page, 'second-factor-setup');
  await tabTo(page, setup.getByLabel('Code from the app'));
  await page.keyboard.type(totp.generate());
  await page.keyboard.press('Enter');
  // the form is gone: the focus is on the step that took its place, one Tab from its button
  await expect(setup.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
  await expect(
    setup.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem'),
  ).toHaveCount(10);
  await snapAtBothSizes(page, 'second-factor-recovery-codes');
  await page.keyboard.press('Tab');
  await expect(setup.getByRole('button', { name: 'I have saved them' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Signing in asks for a code')).toBeVisible();
  // the focus on what changed, not on the Turn off that took Set up's place
  await expect(page.getByRole('heading', { name: 'Two-step sign-in', exact: true })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Turn off' })).not.toBeFocused();
  await snapAtBothSizes(page, 'second-factor-on');

  await signOut(page);
  await signIn(page, user.email, THEIR_OWN);
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await snap(page, 'second-factor-code');
  // the code used to turn it on is spent: the next step's, which the console accepts too
  await page.getByLabel('Code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('button', { name: `Account of ${user.email}` })).toBeVisible();

  // someone who knows the password but has not the phone: listed as such, and ended by keyboard
  await expect(
    rpc(unique('stranger'), 'auth.signIn', { email: user.email, password: THEIR_OWN }),
  ).rejects.toThrow(/code from your authenticator app/);
  // signed in again, the window is back on Sessions: opened afresh, it reads the list again
  await visit(page, '/sessions');
  const table = page.getByRole('table', { name: 'Your sessions' });
  const waiting = table.getByRole('row').filter({ hasText: 'Waiting for the second step' });
  await expect(waiting).toHaveCount(1);
  const warning = page.getByRole('alert').filter({ hasText: 'Someone entered your password' });
  await expect(warning).toBeVisible();
  await snapAtBothSizes(page, 'sessions-waiting');
  await waiting
    .getByRole('button', { name: /^End the session waiting for the second step/ })
    .focus();
  await page.keyboard.press('Enter');
  await toast(page, 'Session ended');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(warning).toHaveCount(0);
});

test('lets an administrator end every session of a user from Users', async ({ browser }) => {
  const user = await newUser('user');
  const theirs = unique('theirs');
  await rpc(theirs, 'auth.signIn', { email: user.email, password: SET_BY_ADMIN });
  const admin = await adminPage(browser);
  // one's own row offers changing one's password with the current one, not setting it
  await visit(admin, `/users?q=${encodeURIComponent(ADMIN.email)}`);
  await admin.getByRole('button', { name: `Actions for ${ADMIN.email}` }).click();
  await expect(admin.getByRole('menuitem', { name: 'Change my password' })).toBeVisible();
  await expect(admin.getByRole('menuitem', { name: 'Set password' })).toHaveCount(0);
  await admin.keyboard.press('Escape');
  await visit(admin, `/users?q=${encodeURIComponent(user.email)}`);
  await admin.getByRole('button', { name: `Actions for ${user.email}` }).click();
  await expect(admin.getByRole('menuitem', { name: 'Reset two-step sign-in' })).toBeVisible();
  await admin.getByRole('menuitem', { name: 'End sessions' }).click();
  await snap(admin, 'end-sessions-confirm');
  await admin.getByRole('button', { name: 'End sessions' }).click();
  await toast(admin, 'Ended 1 session');
  await expect(rpc(theirs, 'auth.me', {})).resolves.toBeNull();
});

test('lets an administrator view the console as a user, read-only, and come back by keyboard', async ({
  browser,
}) => {
  const user = await newUser('developer');
  const admin = await adminPage(browser);
  await visit(admin, `/users?q=${encodeURIComponent(user.email)}`);
  await admin.getByRole('button', { name: `Actions for ${user.email}` }).click();
  await admin.getByRole('menuitem', { name: 'View as…' }).click();
  await admin.getByLabel('Reason').fill('Ticket 12: their agents look empty');
  await snap(admin, 'view-as-reason');
  await admin.getByRole('button', { name: 'View as them' }).click();

  const banner = admin.getByRole('region', { name: 'Viewing the console as developer' });
  await expect(banner).toContainText(user.email);
  await expect(admin.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  // the developer's screens: no Settings, no Tenancy
  const screens = admin.getByRole('navigation', { name: 'Screens' });
  await expect(screens.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await snap(admin, 'view-as-banner');

  const back = banner.getByRole('button', { name: 'End view, back to my console' });
  await back.focus();
  await admin.keyboard.press('Enter');
  await expect(banner).toHaveCount(0);
  await expect(screens.getByRole('link', { name: 'Settings' })).toBeVisible();
});
