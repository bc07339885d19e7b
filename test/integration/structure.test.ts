import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructureReport } from '../../src-shared/contract.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { migrateAllTenants, migratePublic, rollbackTenants } from '../../src-main/db/fan-out.ts';
import { installStructureMarks, MARKS_STATE_SQL } from '../../src-main/db/structure/marks.ts';
import { checkStructure, repairStructure } from '../../src-main/db/structure/operations.ts';
import { bindIpc } from '../../src-main/electron/ipc-binding.ts';
import { APP_ORIGIN } from '../../src-main/electron/security.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { fakeElectron } from '../support/fake-electron.ts';
import { createTestDatabase } from '../support/database.ts';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';

let h: Harness;
const ids: Record<string, string> = {};
beforeAll(async () => {
  h = await createHarness();
  for (const slug of ['st-a', 'st-b', 'st-c', 'st-d', 'st-e']) ids[slug] = (await h.org(slug)).id;
});
afterAll(() => h.close());

const check = () => checkStructure(h.db.orm.em);
const driftOf = (report: StructureReport, slug: string) =>
  report.drifted.find((drift) => drift.tenants.some((tenant) => tenant.slug === slug));

describe('db:check: every tenant schema against its level', () => {
  it('finds no drift in tenants just provisioned', async () => {
    const report = await check();
    expect(report.tenants).toBe(5);
    expect(report.drifted).toEqual([]);
    expect(report.orphanSchemas).toEqual([]);
  });

  it('finds none either after a rollback, nor after migrating up again', async () => {
    await rollbackTenants(h.db.orm.em, { to: 2, slugs: ['st-a', 'st-b'] });
    expect((await check()).drifted).toEqual([]);

    await migrateAllTenants(h.db.orm.em);
    expect((await check()).drifted).toEqual([]);
  });

  it('reports a dropped column, a dropped index, a changed default and an extra table, in words', async () => {
    await h.db.sql(`alter table "org_st-a".agents drop column description;
      drop index "org_st-a".agents_name_trgm_idx;
      alter table "org_st-a".agents alter column status set default 'paused';
      create table "org_st-a".notes (body text)`);

    const drift = driftOf(await check(), 'st-a');

    expect(drift?.tenants.map((t) => t.slug)).toEqual(['st-a']);
    expect(drift?.level).toBe(TENANT_MIGRATIONS.length);
    expect([...(drift?.differences ?? [])].sort()).toEqual([
      'agents.description: missing column',
      "agents.status: default 'paused'::text, expected 'draft'::text",
      'index agents_name_trgm_idx: missing',
      'table notes: not expected',
    ]);
  });

  it('offers to put back the index and the default only, and never to drop anything', async () => {
    const drift = driftOf(await check(), 'st-a');
    expect(drift?.repair).toEqual([
      'ALTER TABLE "agents" ALTER COLUMN "status" SET DEFAULT \'draft\'::text',
      expect.stringMatching(
        /^CREATE INDEX IF NOT EXISTS agents_name_trgm_idx ON agents USING gin \(name \w+\.gin_trgm_ops\)/,
      ),
    ]);
  });

  it('applies the safe part, keeps every row, and leaves the rest reported', async () => {
    await h.db.sql(`insert into "org_st-a".notes values ('kept')`);

    const result = await repairStructure(h.db.orm.em, [ids['st-a']!]);

    expect(result.failed).toEqual([]);
    expect(result.repaired.map((t) => [t.slug, t.statements.length])).toEqual([['st-a', 2]]);
    expect([...(result.remaining[0]?.differences ?? [])].sort()).toEqual([
      'agents.description: missing column',
      'table notes: not expected',
    ]);
    expect(await h.db.sql('select body from "org_st-a".notes')).toEqual([{ body: 'kept' }]);
    const [status] = await h.db.sql<{ d: string }>(
      `select column_default as d from information_schema.columns
        where table_schema = 'org_st-a' and table_name = 'agents' and column_name = 'status'`,
    );
    expect(status?.d).toBe("'draft'::text");
  });

  it('describes tenants that drifted alike once, naming each of them', async () => {
    for (const slug of ['st-b', 'st-c'])
      await h.db.sql(`drop index "org_${slug}".agents_status_idx`);

    const drift = driftOf(await check(), 'st-b');

    expect(drift?.tenants.map((t) => t.slug)).toEqual(['st-b', 'st-c']);
    expect(drift?.differences).toEqual(['index agents_status_idx: missing']);
  });

  it('finds a change made while its event trigger was disabled, although the schema was read before', async () => {
    await check();
    await h.db.sql(`alter event trigger fleetprompt_structure_marks_end disable;
      drop index "org_st-d".agents_name_idx;
      alter event trigger fleetprompt_structure_marks_end enable always`);

    expect(driftOf(await check(), 'st-d')?.differences).toEqual(['index agents_name_idx: missing']);
    await h.db.sql('create index agents_name_idx on "org_st-d".agents (name)');
  });

  it("says when an organization's schema is missing, and names a tenant schema no organization has", async () => {
    await h.db.sql(`alter schema "org_st-d" rename to "org_st-ghost"`);

    const report = await check();

    expect(driftOf(report, 'st-d')?.differences).toEqual(['schema org_st-d: missing']);
    expect(report.orphanSchemas).toEqual(['org_st-ghost']);
    await h.db.sql(`alter schema "org_st-ghost" rename to "org_st-d"`);
  });

  it('reports the catalog: relations, the lock table and the largest tenants', async () => {
    const { catalog } = await check();

    const [counted] = await h.db.sql<{ tenant: string; total: string }>(
      `select count(*) filter (where n.nspname like 'org\\_%') as tenant, count(*) as total
         from pg_class c join pg_namespace n on n.oid = c.relnamespace`,
    );
    expect(catalog.relations).toMatchObject({
      tenant: Number(counted?.tenant),
      total: Number(counted?.total),
    });
    expect(catalog.relations.share).toBeGreaterThan(0);
    expect(catalog.locks.capacity).toBe(
      catalog.locks.maxLocksPerTransaction *
        (catalog.locks.maxConnections + catalog.locks.maxPreparedTransactions),
    );
    expect(catalog.locks.fleetNeeds).toBe(catalog.relations.tenant);
    expect(catalog.largestTenants.map((t) => t.slug).sort()).toEqual([
      'st-a',
      'st-b',
      'st-c',
      'st-d',
      'st-e',
    ]);
    expect(catalog.advice.map((a) => a.figure)).toEqual([
      'relations',
      'catalog',
      'locks',
      'tenant',
    ]);
  });
});

describe('npm run db:check', () => {
  const dbCheck = (...args: string[]) =>
    spawnSync(process.execPath, ['src-main/cli/check.ts', ...args], {
      env: { ...process.env, DATABASE_URL: h.db.url, FLEETPROMPT_HOME: home },
      encoding: 'utf8',
    });
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'fleetprompt-check-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('names each drifted tenant with what differs, and exits 1', () => {
    const run = dbCheck();
    expect(run.stdout).toContain(`org_st-b (level ${TENANT_MIGRATIONS.length}):`);
    expect(run.stdout).toContain('  index agents_status_idx: missing');
    expect(run.stdout).toContain('  agents.description: missing column');
    expect(run.stdout).toMatch(/\[(ok|near|over)\] locks: /);
    expect(run.status).toBe(1);
  });

  it('--repair --json applies the safe part and prints what is left as JSON', () => {
    const run = dbCheck('--repair', '--json');
    const report = JSON.parse(run.stdout) as StructureReport & {
      repair: { repaired: { slug: string }[] };
    };
    expect(report.repair.repaired.map((t) => t.slug).sort()).toEqual(['st-b', 'st-c']);
    expect(report.drifted.flatMap((d) => d.tenants.map((t) => t.slug))).toEqual(['st-a']);
    expect(run.status).toBe(1);
  });
});

describe('tenancy.check and tenancy.repair', () => {
  it('repairs through the channel and audits what ran where', async () => {
    const admin = h.slotFor((await h.user(ids['st-e']!, 'admin', 'admin@st-e.test')).id);
    await h.db.sql('drop index "org_st-e".agents_name_idx');

    const report = await h.ok(admin, 'tenancy.check', {});
    expect(driftOf(report, 'st-e')?.differences).toEqual(['index agents_name_idx: missing']);
    const result = await h.ok(admin, 'tenancy.repair', { organizationIds: [ids['st-e']!] });

    expect(result.remaining).toEqual([]);
    const [row] = await h.db.sql<{ target_type: string; changes: Record<string, { to: unknown }> }>(
      "select target_type, changes from audit_events where action = 'tenancy.repair' and actor_label = 'admin@st-e.test'",
    );
    expect(row?.target_type).toBe('tenants');
    expect(row?.changes.outcome?.to).toBe('succeeded');
    expect(row?.changes.repaired?.to).toEqual([
      {
        slug: 'st-e',
        statements: ['CREATE INDEX IF NOT EXISTS agents_name_idx ON agents USING btree (name)'],
      },
    ]);
  });

  it('answers over HTTP (headless) and over Electron IPC alike, to administrators only', async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'fleetprompt-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<html></html>');
    const server: HeadlessServer = await startHeadless({ router: h.router, rendererDir });
    await h.user(ids['st-e']!, 'developer', 'dev@st-e.test');
    try {
      const rpc = async (windowId: string, channel: string, body: unknown) =>
        (
          await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${server.token}`,
              'X-Fleet-Window': windowId,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify(body),
          })
        ).json() as Promise<{ ok: boolean; data?: StructureReport; error?: { code: string } }>;
      await rpc('window-admin-1', 'auth.signIn', { email: 'admin@st-e.test', password: PASSWORD });
      await rpc('window-dev-0001', 'auth.signIn', { email: 'dev@st-e.test', password: PASSWORD });

      const overHttp = await rpc('window-admin-1', 'tenancy.check', {});
      expect(overHttp.ok).toBe(true);
      expect(overHttp.data?.tenants).toBe(5);
      expect(
        await rpc('window-dev-0001', 'tenancy.repair', { organizationIds: [ids['st-e']] }),
      ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      const electron = fakeElectron();
      bindIpc(
        electron.ipcMain as never,
        async () => h.router,
        APP_ORIGIN,
        () => ({
          save: async () => null,
        }),
      );
      const invoke = (channel: string, senderId: number, input: unknown) =>
        electron.ipcMain.handlers.get(channel)!(
          {
            sender: { id: senderId },
            senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null },
          },
          input,
        ) as Promise<{ ok: boolean; data?: StructureReport; error?: { code: string } }>;
      await invoke('auth.signIn', 7001, { email: 'admin@st-e.test', password: PASSWORD });
      await invoke('auth.signIn', 7002, { email: 'dev@st-e.test', password: PASSWORD });

      const overIpc = await invoke('tenancy.check', 7001, {});
      expect(overIpc.ok).toBe(true);
      expect(overIpc.data?.tenants).toBe(5);
      expect(await invoke('tenancy.check', 7002, {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    } finally {
      await server.close();
      await rm(rendererDir, { recursive: true, force: true });
    }
  });
});

/**
 * The owner's alone: a mark put back after DDL, or the writes held back, would keep the check
 * from reading a schema that changed.
 */
const FORGING = [
  `insert into public.tenant_structure_marks values ('org_st-e', '1')`,
  `update public.tenant_structure_marks set mark = '1'`,
  'delete from public.tenant_structure_marks',
  'truncate public.tenant_structure_marks',
  // a trigger of its own on the marks would hold back the writes of everyone's DDL
  `create function pg_temp.skip() returns trigger language plpgsql as 'begin return null; end';
   create trigger skip before insert or update on public.tenant_structure_marks
     for each row execute function pg_temp.skip()`,
];

describe("another role's DDL and the marks", () => {
  /** A role with its own rights on one tenant schema, as a support or migration login might have. */
  const OTHER = `fleet_other_${randomUUID().slice(0, 8)}`;
  let other: pg.Client;
  const markOf = async (schema: string) =>
    (
      await h.db.sql<{ mark: string }>(
        'select mark::text as mark from tenant_structure_marks where schema = $1',
        [schema],
      )
    )[0]?.mark;

  beforeAll(async () => {
    await h.db.sql(`create role ${OTHER} nologin;
      grant usage, create on schema "org_st-e" to ${OTHER}`);
    other = new pg.Client({ connectionString: h.db.url });
    await other.connect();
    await other.query(`set role ${OTHER}`);
  });
  afterAll(async () => {
    await other?.end();
    await h.db.sql(`drop owned by ${OTHER}; drop role ${OTHER}`);
  });

  it('marks the tenant schema it changed, and the check reads that schema again', async () => {
    await check();
    const before = await markOf('org_st-e');

    await other.query('create table "org_st-e".side_notes (body text)');

    expect(await markOf('org_st-e')).not.toBe(before);
    expect(driftOf(await check(), 'st-e')?.differences).toEqual(['table side_notes: not expected']);
    await other.query('drop table "org_st-e".side_notes');
    expect(driftOf(await check(), 'st-e')).toBeUndefined();
  });

  it('may neither write, delete nor hold back a mark, nor change what writes them', async () => {
    const refused = [
      ...FORGING,
      `create or replace function public.tenant_structure_mark() returns event_trigger
         language plpgsql as 'begin end'`,
      'alter event trigger fleetprompt_structure_marks_end disable',
      'drop event trigger fleetprompt_structure_marks_drop',
    ];
    for (const statement of refused)
      await expect(other.query(statement), statement).rejects.toMatchObject({ code: '42501' });
  });
});

describe('the marks in a database whose default privileges grant every new table', () => {
  it('are still written by their function alone: such a role reads them and no more', async () => {
    const GRANTED = `fleet_granted_${randomUUID().slice(0, 8)}`;
    const db = await createTestDatabase({ migrate: false });
    const granted = new pg.Client({ connectionString: db.url });
    try {
      await db.sql(`create role ${GRANTED} nologin;
        alter default privileges in schema public grant all on tables to ${GRANTED}`);
      await migratePublic(db.orm);
      // by name, so that a privilege of a later server (MAINTAIN, PostgreSQL 17) is counted too
      const [kept] = await db.sql<{ privileges: string[] }>(
        `select array_agg(a.privilege_type::text) as privileges
           from pg_class c cross join lateral aclexplode(c.relacl) a
          where c.oid = 'public.tenant_structure_marks'::regclass and a.grantee = $1::regrole`,
        [GRANTED],
      );
      expect(kept?.privileges).toEqual(['SELECT']);
      await granted.connect();
      await granted.query(`set role ${GRANTED}`);

      await expect(
        granted.query('select * from public.tenant_structure_marks'),
      ).resolves.toBeDefined();
      for (const statement of FORGING)
        await expect(granted.query(statement), statement).rejects.toMatchObject({ code: '42501' });
    } finally {
      await granted.end();
      await db.drop();
      await h.db.sql(`drop role ${GRANTED}`);
    }
  });
});

describe('a console starting again', () => {
  /** What another console's memory of fingerprints depends on: each mark (and its row's version), and their state. */
  const marksNow = async () => ({
    marks: await h.db.sql<{ schema: string; mark: string; version: string }>(
      'select schema, mark::text as mark, xmin::text as version from tenant_structure_marks order by schema',
    ),
    state: (await h.db.sql<{ state: string | null }>(MARKS_STATE_SQL))[0]?.state,
  });
  /** The start-up's two ways to the triggers: a console on a superuser role, the embedded server's superuser. */
  const startAgain = async () => {
    await migratePublic(h.db.orm);
    await installStructureMarks(h.db.url);
  };

  it('writes no mark and leaves their state as it was: the next check of every other console stays warm', async () => {
    // the state is null while a transaction older than the triggers runs anywhere on the server
    let before = await marksNow();
    for (let waited = 0; before.state === null && waited < 20_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      before = await marksNow();
    }
    expect(before.state).toEqual(expect.any(String));

    await startAgain();

    expect(await marksNow()).toEqual(before);
  });

  it('marks a tenant schema it finds without a mark, and no other', async () => {
    await h.db.sql("delete from tenant_structure_marks where schema = 'org_st-e'");
    const before = await marksNow();

    await startAgain();

    const after = await marksNow();
    expect(after.state).toBe(before.state);
    expect(after.marks.filter((row) => row.schema !== 'org_st-e')).toEqual(before.marks);
    expect(after.marks.map((row) => row.schema)).toContain('org_st-e');
  });

  it('enables a disabled trigger again, always', async () => {
    const enabled = () =>
      h.db.sql<{ evtname: string; evtenabled: string }>(
        "select evtname, evtenabled from pg_event_trigger where evtname like 'fleetprompt\\_%' order by evtname",
      );
    await h.db.sql('alter event trigger fleetprompt_structure_marks_drop disable');
    expect((await marksNow()).state).toBeNull();

    await startAgain();

    expect(await enabled()).toEqual([
      { evtname: 'fleetprompt_structure_marks_drop', evtenabled: 'A' },
      { evtname: 'fleetprompt_structure_marks_end', evtenabled: 'A' },
    ]);
  });
});

describe('npm run db:install-triggers', () => {
  const installTriggers = (url: string) =>
    spawnSync(process.execPath, ['src-main/cli/install-triggers.ts', url], { encoding: 'utf8' });
  const dropTriggers = () =>
    h.db.sql(`drop event trigger fleetprompt_structure_marks_end;
      drop event trigger fleetprompt_structure_marks_drop`);
  /** A login without superuser rights, as the console's role on a shared server is. */
  const PLAIN = `fleet_plain_${randomUUID().slice(0, 8)}`;
  beforeAll(() => h.db.sql(`create role ${PLAIN} login password 'plain-pw'`));
  afterAll(() => h.db.sql(`drop role ${PLAIN}`));

  it('says in the drift check when the triggers are missing', async () => {
    expect((await check()).structureTriggers).toBe(true);
    await dropTriggers();

    expect((await check()).structureTriggers).toBe(false);
  });

  it('installs them as the superuser the URL names, and the check says they are in place', async () => {
    const run = installTriggers(h.db.url);

    expect(run.stdout).toContain(
      `structure triggers in place in ${new URL(h.db.url).pathname.slice(1)}`,
    );
    expect(run.status).toBe(0);
    expect((await check()).structureTriggers).toBe(true);
  });

  it('refuses a role that is not a superuser, in words, and installs nothing', async () => {
    await dropTriggers();
    const plain = new URL(h.db.url);
    plain.username = PLAIN;
    plain.password = 'plain-pw';

    const run = installTriggers(plain.toString());

    expect(run.stderr).toContain('is not a superuser: only a superuser may make event triggers');
    expect(run.stderr).not.toContain('plain-pw');
    expect(run.status).toBe(1);
    expect((await check()).structureTriggers).toBe(false);
    expect(installTriggers(h.db.url).status).toBe(0);
  });
});
