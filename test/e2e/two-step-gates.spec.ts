import { expect } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { api, passwordEnteredLongAgo, rpc, test, unique, userIn, visit } from './fixtures.ts';
import { openConsole, signIn, snapAtBothSizes, tabTo, toast } from './support.ts';

/*
 * Where two-step sign-in is demanded (issue 29), from the keyboard: an
 * administrator without it, once it is required, sets it up before
 * anything else opens; and step-up asks for a code beside the password
 * where it is set up.
 */

const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) });

test.describe('once administrators must use two-step sign-in', () => {
  // a console of its own: on the shared one, every later spec's administrator would be sent to set it up
  let server: ConsoleServer;
  const GATE = { email: 'gate@home.test', password: 'a gatekeeper password' };

  test.beforeAll(async () => {
    server = await startConsoleServer();
    const organization = { organizationName: 'Gate House', slug: 'gate-house', name: 'Gale' };
    await rpc('gate-setup', 'auth.createFirstAdmin', { ...organization, ...GATE }, server);
    await rpc('gate-setup', 'settings.requireSecondFactor', { required: true }, server);
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test('an administrator without it is taken to set it up at sign-in, and nothing else opens until it is on', async ({
    page,
  }) => {
    await page.goto(server.url);
    await expect(page.getByLabel('Email')).toBeFocused();
    await page.keyboard.type(GATE.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(GATE.password);
    await page.keyboard.press('Enter');

    const heading = page.getByRole('heading', { name: 'Set up two-step sign-in' });
    const screens = page.getByRole('navigation', { name: 'Screens' });
    await expect(heading).toBeVisible();
    await expect(screens).toHaveCount(0);
    // the address of a screen opens this page again, not the screen
    await page.goto(new URL('/organizations', server.base).toString());
    await expect(heading).toBeVisible();
    await expect(screens).toHaveCount(0);

    const setup = page.getByRole('form', { name: 'Set up two-step sign-in' });
    await expect(setup.getByRole('img', { name: /QR code/ })).toBeVisible();
    await snapAtBothSizes(page, 'two-step-required');
    const secret = (await setup.getByTestId('second-factor-secret').innerText()).replace(/\s/g, '');
    await tabTo(page, setup.getByLabel('Code from the app'));
    await page.keyboard.type(totpOf(secret).generate());
    await page.keyboard.press('Enter');

    // the form is gone: the focus is on the step that took its place, one Tab from its button
    await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
    const codes = page.getByRole('list', { name: 'Recovery codes' });
    await expect(codes.getByRole('listitem')).toHaveCount(10);
    await snapAtBothSizes(page, 'two-step-required-recovery-codes');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'I have saved them' })).toBeFocused();
    await page.keyboard.press('Enter');
    // then the screen asked for opens
    await expect(page.getByRole('heading', { name: 'Organizations' })).toBeVisible();
    await expect(screens).toBeVisible();
  });
});

test('step-up asks for a code beside the password where two-step sign-in is on', async ({
  browser,
}) => {
  // a user of its own on the shared console, set up through its channels
  const { id: organizationId } = (await api('organizations.list', { page: 1, pageSize: 1 }))
    .items[0]!;
  const user = await userIn(organizationId, 'developer', 'set by an admin 5');
  const password = 'my own password five';
  const window = unique('enrolling');
  await rpc(window, 'auth.signIn', { email: user.email, password: 'set by an admin 5' });
  await rpc(window, 'auth.changePassword', {
    currentPassword: 'set by an admin 5',
    newPassword: password,
  });
  const { secret } = await rpc(window, 'auth.enrollSecondFactor', {});
  const totp = totpOf(secret);
  const { recoveryCodes } = await rpc(window, 'auth.confirmSecondFactor', {
    code: totp.generate(),
  });

  const page = await openConsole(browser);
  await signIn(page, user.email, password);
  // the app's current code went on the setup: a recovery code signs in
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('button', { name: `Account of ${user.email}` })).toBeVisible();
  await passwordEnteredLongAgo(user.email);

  await visit(page, '/sessions');
  await tabTo(page, page.getByRole('button', { name: 'Turn off' }));
  await page.keyboard.press('Enter');
  const prompt = page.getByRole('dialog', { name: 'Enter your password and a code again' });
  await expect(prompt).toContainText(
    'This action needs your password and a code from your authenticator app again. You last entered them more than 5 minutes ago.',
  );
  await expect(prompt.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(password);
  const code = prompt.getByLabel('Code from your authenticator app');
  await tabTo(page, code);
  await page.keyboard.type('000000');
  await page.keyboard.press('Enter');
  await expect(
    prompt.getByText(
      'This code is not correct, or it was used already. Enter the newest code from your authenticator app.',
      { exact: true },
    ),
  ).toBeVisible();
  await snapAtBothSizes(page, 'step-up-code');

  await expect(code).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  // the next step's code: the current one went on the setup
  await page.keyboard.type(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.keyboard.press('Enter');
  await expect(prompt).toBeHidden();
  await toast(page, 'Two-step sign-in is off');
});
