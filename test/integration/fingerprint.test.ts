import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

/*
 * The "wrote nothing" fingerprint that refused calls are checked against
 * must see every place a call can write; each test changes one place by
 * hand and expects the digest to change.
 */

let h: Harness;
let org: { id: string; slug: string };
let adminId: string;
let dataDir: string;
let target: ScratchDatabase;
beforeAll(async () => {
  h = await createHarness();
  org = await h.org('print-home');
  adminId = (await h.user(org.id, 'admin', 'a@print.test')).id;
  dataDir = (await h.ok(h.slotFor(adminId), 'settings.get', {})).dataDir;
  target = await createScratchDatabase(inject('serverUrl'), 'fp_print_target');
});
afterAll(async () => {
  await target.drop();
  await h.close();
});

async function changes(write: () => Promise<unknown>): Promise<boolean> {
  const before = await fingerprint(h.db);
  await write();
  return (await fingerprint(h.db)) !== before;
}

describe('the wrote-nothing fingerprint', () => {
  it.each([
    [
      'public.agent_index',
      `update agent_index set name = name || '!' where organization_id = (select id from organizations where slug = 'print-home')`,
    ],
    [
      'public.sign_in_throttle',
      `insert into sign_in_throttle (email, failures) values ('x@print.test', 1)`,
    ],
    ['public.tenant_migrations', `delete from tenant_migrations where tenant_slug = 'print-home'`],
    ['a tenant table', `delete from "org_print-home".agents`],
  ])('sees a write to %s', async (_where, statement) => {
    await h.ok(h.slotFor(adminId), 'agents.create', {
      organizationId: org.id,
      name: 'Printed',
      systemPrompt: 'p',
    });
    expect(await changes(() => h.db.sql(statement))).toBe(true);
  });

  it('sees the settings file written', async () => {
    expect(await changes(() => writeFile(join(dataDir, 'settings.json'), '{}'))).toBe(true);
  });

  it('sees a backup file left behind', async () => {
    await mkdir(join(dataDir, 'backups'), { recursive: true });
    expect(
      await changes(() => writeFile(join(dataDir, 'backups', 'fleetprompt-partial.fpbackup'), 'x')),
    ).toBe(true);
  });

  it('sees a saved export', async () => {
    expect(await changes(() => writeFile(join(h.filesDir, 'agents.csv'), 'x'))).toBe(true);
  });

  it("sees a table created in a move's target", async () => {
    expect(
      await changes(async () => {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        await client.query('create table public.half_copied (id int)');
        await client.end();
      }),
    ).toBe(true);
  });
});
