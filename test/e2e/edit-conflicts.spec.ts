import { expect, type Page } from '@playwright/test';
import { adminPage, api, organizationWith, test, unique } from './fixtures.ts';
import { snapAtBothSizes, toast } from './support.ts';

/*
 * No lost edits: two consoles open the same record's edit dialog; one saves.
 * The other's save never replaces it unseen: it shows their values beside
 * the operator's and lets them keep theirs or save on top — for every kind
 * of record an edit dialog saves, both ways round.
 */

interface Kind {
  /** Creates the record; answers how to read its name now. */
  make(): Promise<{ name: () => Promise<string | null>; open: (page: Page) => Promise<void> }>;
  dialog: RegExp;
  /** The field holding the name, as its label reads. */
  field: string;
}

const goTo = (page: Page, path: string) => page.goto(`${process.env.E2E_BASE}${path}`);

/** Opens a list screen's row menu for `row` and chooses Edit. */
async function editRow(page: Page, path: string, search: string, row: string) {
  await goTo(page, `${path}?q=${encodeURIComponent(search)}`);
  await page.getByRole('button', { name: `Actions for ${row}` }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
}

const KINDS: Record<string, Kind> = {
  agent: {
    dialog: /^Edit /,
    field: 'Name',
    make: async () => {
      const { organization, agents } = await organizationWith('raced', 'pro', ['Raced agent']);
      const agent = agents[0]!;
      return {
        name: async () =>
          (await api('agents.get', { organizationId: organization.id, id: agent.id })).name,
        open: async (page) => {
          await goTo(page, `/agents/${organization.id}/${agent.id}`);
          await page.getByRole('button', { name: 'Edit', exact: true }).click();
        },
      };
    },
  },
  organization: {
    dialog: /^Edit /,
    field: 'Name',
    make: async () => {
      const { organization } = await organizationWith('raced', 'pro');
      return {
        name: async () => (await api('organizations.get', { id: organization.id })).name,
        open: async (page) => {
          await goTo(page, `/organizations/${organization.id}`);
          await page.getByRole('button', { name: 'Edit', exact: true }).click();
        },
      };
    },
  },
  user: {
    dialog: /^Edit /,
    field: 'Name',
    make: async () => {
      const { organization } = await organizationWith('raced', 'pro');
      const email = `${unique('raced')}@e2e.test`;
      const user = await api('users.create', {
        organizationId: organization.id,
        email,
        name: 'Raced user',
        role: 'user',
        password: 'a long enough passphrase',
      });
      return {
        name: async () => (await api('users.get', { id: user.id })).name,
        open: (page) => editRow(page, '/users', email, email),
      };
    },
  },
  skill: {
    dialog: /^Edit /,
    field: 'Name',
    make: async () => {
      const slug = unique('raced');
      const skill = await api('skills.create', {
        name: `Raced ${slug}`,
        slug,
        systemPromptEnhancement: 'Be brief.',
      });
      return {
        name: async () => (await api('skills.get', { id: skill.id })).name,
        open: (page) => editRow(page, '/skills', slug, skill.name),
      };
    },
  },
};

async function typeName(page: Page, kind: Kind, name: string) {
  const dialog = page.getByRole('dialog', { name: kind.dialog });
  await dialog.getByLabel(kind.field, { exact: true }).fill(name);
  await dialog.getByRole('button', { name: 'Save' }).click();
}

for (const [label, kind] of Object.entries(KINDS)) {
  for (const [firstName, secondName] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    test(`${label}: console ${secondName}'s save after console ${firstName}'s shows both and overwrites nothing`, async ({
      browser,
    }) => {
      const record = await kind.make();
      const consoles = { A: await adminPage(browser), B: await adminPage(browser) };
      await record.open(consoles.A);
      await record.open(consoles.B);
      const first = consoles[firstName];
      const second = consoles[secondName];

      await typeName(first, kind, `Saved by ${firstName}`);
      await expect(first.getByRole('dialog', { name: kind.dialog })).toHaveCount(0);
      await expect(
        second.getByRole('alert').filter({ hasText: 'Changed by someone else' }),
      ).toBeVisible();
      await typeName(second, kind, `Saved by ${secondName}`);

      const panel = second.getByRole('table', { name: 'Their saved values beside yours' });
      await expect(panel).toBeVisible();
      const row = panel.getByRole('row', { name: new RegExp(`^${kind.field}\\b`) });
      await expect(row.getByRole('cell').nth(0)).toHaveText(`Saved by ${firstName}`);
      await expect(row.getByRole('cell').nth(1)).toHaveText(`Saved by ${secondName}`);
      expect(await record.name()).toBe(`Saved by ${firstName}`);
      if (firstName === 'A' && label === 'agent') await snapAtBothSizes(second, 'edit-conflict');

      if (firstName === 'A') {
        await second.getByRole('button', { name: 'Save mine over theirs' }).click();
        await toast(second, /^Saved/);
        await expect.poll(() => record.name()).toBe(`Saved by ${secondName}`);
      } else {
        await second.getByRole('button', { name: 'Keep theirs' }).click();
        await expect(second.getByRole('dialog', { name: kind.dialog })).toHaveCount(0);
        expect(await record.name()).toBe(`Saved by ${firstName}`);
      }
    });
  }
}
