import { expect } from '@playwright/test';
import { LINK_REFUSED } from '../../src-main/headless/session-claim.ts';
import { npmStart } from '../support/npm-start.ts';
import { ADMIN, test } from './fixtures.ts';
import { signIn, snap } from './support.ts';

/*
 * `npm start` where Electron is missing opens the console in the desktop's
 * browser. The opener's command line, which every local user can read,
 * carries a one-time code that the page trades for the token; these tests
 * open that link in a real browser, as the desktop would.
 */

/** npm start as a second console on the shared console's database. */
function npmStartJoining() {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const databaseUrl = process.env.E2E_DATABASE_URL;
  return npmStart({
    ...env,
    FLEETPROMPT_HOME: process.env.E2E_HOME,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
}

test('the browser npm start opens signs in through its one-time code, which leaves no trace in the address', async ({
  page,
}) => {
  const started = await npmStartJoining();
  try {
    const [link = ''] = await started.launchArgv();
    const printedToken = new URL(started.printed).hash.slice('#token='.length);
    expect(link).not.toContain(printedToken);
    await page.goto(link);
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible();
    expect(page.url()).not.toMatch(/code=|token=/);
    expect(await page.evaluate(() => sessionStorage.getItem('fleet.token'))).toBe(printedToken);
  } finally {
    await started.stop();
  }
});

test('a launch link someone else used first says it has expired, and the page gets no token', async ({
  page,
}) => {
  const started = await npmStartJoining();
  try {
    const [link = ''] = await started.launchArgv();
    const { origin, hash } = new URL(link);
    // another local user, who read the link in `ps`, is quicker than the browser
    const stolen = await fetch(`${origin}/session/claim`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: hash.slice('#code='.length) }),
    });
    expect(stolen.status).toBe(200);
    await page.goto(link);
    await expect(page.getByText(LINK_REFUSED)).toBeVisible();
    await snap(page, 'launch-link-expired');
    await expect(page.getByLabel('Email')).toHaveCount(0);
    expect(page.url()).not.toContain('code=');
    expect(await page.evaluate(() => sessionStorage.getItem('fleet.token'))).toBeNull();
  } finally {
    await started.stop();
  }
});
