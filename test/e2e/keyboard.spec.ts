import { expect, type Page } from '@playwright/test';
import { test } from './fixtures.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { snap, toast } from './support.ts';

/*
 * The console from the keyboard alone, on a console of its own: sign in,
 * create an organization, create an agent in it, deploy it. No click, no
 * mouse move.
 */
let server: ConsoleServer;
const PASSWORD = 'keys only, no mouse';

test.beforeAll(async () => {
  server = await startConsoleServer();
  const response = await fetch(`${server.base}/rpc/auth.createFirstAdmin`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${server.token}`,
      'X-Fleet-Window': 'keyboard-setup',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      organizationName: 'Home Base',
      slug: 'home-base',
      email: 'keys@home.test',
      name: 'Kay',
      password: PASSWORD,
    }),
  });
  expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
});
test.afterAll(async () => {
  await server.stop();
});

/** Presses Tab until the focused element is named `name`; fails after 80 presses. */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as
        (HTMLElement & { labels?: NodeListOf<HTMLLabelElement> }) | null;
      if (!el) return '';
      const labelled = el.getAttribute('aria-labelledby');
      const label =
        (labelled ? document.getElementById(labelled)?.textContent : null) ??
        el.labels?.[0]?.textContent;
      return (el.getAttribute('aria-label') ?? label ?? el.textContent ?? '').trim();
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

test('signs in, creates an organization and an agent, and deploys it from the keyboard alone', async ({
  page,
}) => {
  await page.goto(server.url);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // the email field has the focus on arrival
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.type('keys@home.test');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();

  await tabTo(page, 'Organizations');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Organizations' })).toBeVisible();
  await tabTo(page, 'New organization');
  await page.keyboard.press('Enter');
  // typing starts once the dialog has moved the focus into its first field
  await expect(page.getByRole('dialog').getByLabel('Name')).toBeFocused();
  await page.keyboard.type('Keyboard Co');
  await page.keyboard.press('Enter');
  await toast(page, 'Created Keyboard Co');
  await expect(page.getByRole('heading', { name: 'Keyboard Co' })).toBeVisible();

  await tabTo(page, 'All agents');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Agents' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Organization' })).toHaveValue(/Keyboard Co/);
  await tabTo(page, 'New agent');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog').getByLabel('Name')).toBeFocused();
  await page.keyboard.type('Typist');
  await tabTo(page, /^System prompt/);
  await page.keyboard.type('You answer without a mouse.');
  await tabTo(page, 'Create agent');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Typist/ })).toBeVisible();

  await tabTo(page, 'Deploy');
  await page.keyboard.press('Enter');
  await toast(page, 'Typist is now deploying');
  await snap(page, 'keyboard-agent-deployed');
});
