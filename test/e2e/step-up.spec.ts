import { expect } from '@playwright/test';
import {
  adminPage,
  ADMIN,
  organizationWith,
  passwordEnteredLongAgo,
  test,
  visit,
} from './fixtures.ts';
import { snapAtBothSizes, toast } from './support.ts';

/*
 * Step-up in the browser (issue 29): deleting an organization with a
 * password entered longer ago than 5 minutes asks for it in place, and the
 * delete goes through once it is entered, without starting over.
 */

test('asks for the password in place before deleting an organization, then deletes it', async ({
  browser,
}) => {
  const { organization } = await organizationWith('stepup', 'free');
  const admin = await adminPage(browser);
  await passwordEnteredLongAgo(ADMIN.email);
  await visit(admin, `/organizations/${organization.id}`);
  // an organization with nothing in it yet offers to create the first of each
  await expect(admin.getByRole('button', { name: 'New agent' })).toBeVisible();
  await expect(admin.getByRole('button', { name: 'New user' })).toBeVisible();
  await snapAtBothSizes(admin, 'organization-empty');
  await admin.getByRole('button', { name: 'Delete' }).click();
  await admin
    .getByLabel(new RegExp(`Type ${organization.slug} to confirm`))
    .fill(organization.slug);
  const deleting = admin.getByRole('dialog', { name: `Delete ${organization.name}` });
  const deleteButton = deleting.getByRole('button', { name: 'Delete organization' });
  await deleteButton.click();

  // the prompt takes the dialog's place and the focus; cancelled, both come back
  const prompt = admin.getByRole('dialog', { name: 'Enter your password again' });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText(
    'This action needs your password again. You last entered it more than 5 minutes ago.',
  );
  await expect(prompt.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(deleting).toBeHidden();
  await snapAtBothSizes(admin, 'step-up-prompt');
  await admin.keyboard.press('Escape');
  await expect(prompt).toBeHidden();
  await expect(deleting).toBeVisible();
  await expect(deleteButton).toBeFocused();
  await snapAtBothSizes(admin, 'step-up-cancelled');

  await admin.keyboard.press('Enter');
  await expect(prompt).toBeVisible();
  await expect(deleting).toBeHidden();
  await prompt.getByLabel('Password', { exact: true }).fill('not my password');
  await prompt.getByRole('button', { name: 'Continue' }).click();
  await expect(prompt.getByText('The password is not correct.', { exact: true })).toBeVisible();
  await prompt.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await prompt.getByRole('button', { name: 'Continue' }).click();

  await expect(prompt).toBeHidden();
  await toast(admin, `Deleted ${organization.name} and all its data`);
});
