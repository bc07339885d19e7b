import { expect } from '@playwright/test';
import { test } from './fixtures.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { choosePassword, go, toast } from './support.ts';

/*
 * The other first run: instead of creating an administrator, the operator
 * loads the demo data and is signed in as its administrator. A console of
 * its own, since the main flow's first run creates an administrator.
 */
let server: ConsoleServer;

test.beforeAll(async () => {
  server = await startConsoleServer();
});
test.afterAll(async () => {
  await server.stop();
});

test('Load demo data on the first-run screen signs in as the demo administrator, who sets a password', async ({
  page,
}) => {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Welcome to FleetPrompt' })).toBeVisible();
  await page.getByRole('button', { name: 'Load demo data' }).click();
  await toast(page, 'Demo data loaded: 6 records created');
  await choosePassword(page, 'password123', 'a password of my own');
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
  await go(page, 'Organizations');
  await expect(page.getByRole('table', { name: 'Organizations' })).toContainText('Demo Company');
  await expect(page.getByRole('button', { name: /^Account of/ })).toBeVisible();
});
