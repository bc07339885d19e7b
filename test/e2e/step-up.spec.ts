import pg from 'pg';
import { expect } from '@playwright/test';
import { readState } from '../../src-main/db/embedded/state.ts';
import { APP_DATABASE, SUPERUSER, urlOf } from '../../src-main/db/embedded/urls.ts';
import { adminPage, ADMIN, organizationWith, test, visit } from './fixtures.ts';
import { snap, toast } from './support.ts';

/*
 * Step-up in the browser (issue 29): deleting an organization with a
 * password entered longer ago than 5 minutes asks for it in place, and the
 * delete goes through once it is entered, without starting over.
 */

/** The shared console's database, as its superuser: a server's, or the embedded one's. */
async function consoleDatabase(): Promise<string> {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  const state = await readState(process.env.E2E_HOME ?? '');
  if (!state) throw new Error('The console has neither a DATABASE_URL nor an embedded server');
  return urlOf(SUPERUSER, state.password, state.port, state.appDatabase ?? APP_DATABASE);
}

/** Moves the administrator's last password entry 10 minutes back, as if time had passed. */
async function passwordEnteredLongAgo(): Promise<void> {
  const client = new pg.Client({ connectionString: await consoleDatabase() });
  await client.connect();
  try {
    await client.query(
      `update sessions set reauthenticated_at = now() - interval '10 minutes'
        where user_id = (select id from users where email = $1) and ended_at is null`,
      [ADMIN.email],
    );
  } finally {
    await client.end();
  }
}

test('asks for the password in place before deleting an organization, then deletes it', async ({
  browser,
}) => {
  const { organization } = await organizationWith('stepup', 'free');
  const admin = await adminPage(browser);
  await passwordEnteredLongAgo();
  await visit(admin, `/organizations/${organization.id}`);
  await admin.getByRole('button', { name: 'Delete' }).click();
  await admin
    .getByLabel(new RegExp(`Type ${organization.slug} to confirm`))
    .fill(organization.slug);
  await admin.getByRole('button', { name: 'Delete organization' }).click();

  const prompt = admin.getByRole('dialog', { name: 'Enter your password again' });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('cannot be undone');
  await snap(admin, 'step-up-prompt');
  await prompt.getByLabel('Password', { exact: true }).fill('not my password');
  await prompt.getByRole('button', { name: 'Continue' }).click();
  await expect(prompt.getByText('is not correct')).toBeVisible();
  await prompt.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await prompt.getByRole('button', { name: 'Continue' }).click();

  await expect(prompt).toBeHidden();
  await toast(admin, `dropped org_${organization.slug}`);
});
