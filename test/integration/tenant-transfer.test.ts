import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkTenantArchive,
  DamagedTenantArchiveError,
} from '../../src-main/db/transfer/tenant-archive.ts';
import { exportTenant, TenantNotFoundError } from '../../src-main/db/transfer/tenant-export.ts';
import { importTenant, TenantImportError } from '../../src-main/db/transfer/tenant-import.ts';
import { backupDatabase } from '../../src-main/db/transfer/operations.ts';
import { adminHarness, fingerprint, PASSWORD } from '../support/harness.ts';
import { craftedArchive, manifestOf, withManifest } from '../support/crafted-archive.ts';
import {
  hasFleetPromptObjects,
  organizationContents,
  query,
} from '../support/database-contents.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { WEB_RESEARCH } from '../support/transfer-world.ts';

/*
 * One organization's backup and restore: exported from a live database as
 * an archive, imported into an empty database or beside itself as a clone,
 * every table verified; a damaged or crafted archive, an organization that
 * exists, or a failure half-way writes nothing.
 */
const h = adminHarness('tenantio');
const scratch: ScratchDatabase[] = [];
let folder = '';
let archive = '';
let acmeId = '';

async function emptyDatabase(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(inject('serverUrl'), 'fp_tenant');
  scratch.push(db);
  return db;
}

async function exportTo(file: string, slug = 'acme-co') {
  const out = createWriteStream(file);
  try {
    const report = await exportTenant(h.db.url, slug, out, { app: 'test' });
    out.end();
    await once(out, 'finish');
    return report;
  } catch (error) {
    out.destroy();
    await rm(file, { force: true });
    throw error;
  }
}

const crafted = (edit: (lines: string[]) => string[]) => craftedArchive(archive, edit);

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-tenant-'));
  const admin = h.admin();
  const acme = await h.ok(admin, 'organizations.create', {
    name: 'Acme Co',
    slug: 'acme-co',
    tier: 'pro',
  });
  acmeId = acme.id;
  await h.org('x-1-y', 'free');
  await h.user(acme.id, 'developer', 'Dev.Person@Acme-Co.test');
  await h.user(acme.id, 'user', 'user@acme-co.test');
  const skill = await h.ok(admin, 'skills.create', WEB_RESEARCH);
  for (const name of ['Researcher ✓', 'Writer', 'Paused one']) {
    const agent = await h.ok(admin, 'agents.create', {
      organizationId: acme.id,
      name,
      systemPrompt: 'Line one\nline two\\with backslash',
      config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2, extra: { a: [1] } },
    });
    await h.ok(admin, 'agents.attachSkill', {
      organizationId: acme.id,
      agentId: agent.id,
      skillId: skill.id,
    });
    if (name === 'Writer') continue;
    const deploying = await h.ok(admin, 'agents.transition', {
      organizationId: acme.id,
      id: agent.id,
      version: agent.version,
      event: 'deploy',
    });
    if (name !== 'Paused one') continue;
    const active = await h.ok(admin, 'agents.transition', {
      organizationId: acme.id,
      id: agent.id,
      version: deploying.version,
      event: 'activate',
    });
    await h.ok(admin, 'agents.transition', {
      organizationId: acme.id,
      id: agent.id,
      version: active.version,
      event: 'pause',
    });
  }
  await h.db.sql(`update "org_acme-co".agents set total_tokens_used = 9007199254740993`);
  archive = join(folder, 'acme.fptenant');
  await exportTo(archive);
});

afterAll(async () => {
  for (const db of scratch) await db.drop();
  await rm(folder, { recursive: true, force: true });
});

describe('exporting one organization', () => {
  it('writes an archive whose every section checks, with the organization’s rows only', async () => {
    const { manifest, fingerprints } = await checkTenantArchive(archive);
    expect(manifest.organization).toEqual({ id: acmeId, slug: 'acme-co', name: 'Acme Co' });
    const rows = Object.fromEntries(
      [...manifest.publicTables, ...manifest.tenantTables].map((t, i) => [
        t.name,
        fingerprints[i]?.rows,
      ]),
    );
    expect(rows).toMatchObject({
      organizations: 1,
      users: 2,
      skills: 1,
      agent_index: 3,
      skill_usage: 1,
      agents: 3,
      agent_skills: 3,
    });
  });

  it('refuses a slug no organization has, and leaves no file', async () => {
    const file = join(folder, 'nobody.fptenant');
    await expect(exportTo(file, 'nobody')).rejects.toBeInstanceOf(TenantNotFoundError);
    await expect(access(file)).rejects.toThrow();
  });
});

describe('importing into a database without the organization', () => {
  it('restores it into an empty database, every row as it was', async () => {
    const target = await emptyDatabase();
    const report = await importTenant(archive, target.url);
    expect(report).toMatchObject({ slug: 'acme-co', organizationId: acmeId, clone: false });
    expect(report).toMatchObject({ users: 2, agents: 3 });
    expect(await organizationContents(target.url, 'acme-co')).toEqual(
      await organizationContents(h.db.url, 'acme-co'),
    );
    const [skill] = await query<{ slug: string }>(target.url, 'select slug from skills');
    expect(skill?.slug).toBe('web-research');
  });

  it('restores it where it was deleted, its audit events not added twice', async () => {
    const target = await emptyDatabase();
    await importTenant(archive, target.url);
    const before = await organizationContents(target.url, 'acme-co');
    await query(target.url, `delete from organizations where slug = 'acme-co'`);
    await query(target.url, `drop schema "org_acme-co" cascade`);
    await importTenant(archive, target.url);
    expect(await organizationContents(target.url, 'acme-co')).toEqual(before);
  });

  it('refuses an organization that exists in the target, and writes nothing', async () => {
    const before = await fingerprint(h.db);
    const refusal = importTenant(archive, h.db.url);
    await expect(refusal).rejects.toBeInstanceOf(TenantImportError);
    await expect(refusal).rejects.toThrow(/exists in the target/);
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('cloning beside the live organization', () => {
  let clone: Awaited<ReturnType<typeof importTenant>>;
  beforeAll(async () => {
    clone = await importTenant(archive, h.db.url, { as: 'acme-clone' });
  });

  it('gives the organization a new id, slug and name, and keeps the original as it was', async () => {
    expect(clone.organizationId).not.toBe(acmeId);
    expect(clone).toMatchObject({ slug: 'acme-clone', name: 'Acme Co (clone acme-clone)' });
    expect(clone).toMatchObject({ clone: true, users: 2, agents: 3 });
    const [original] = await query<{ name: string }>(
      h.db.url,
      `select name from organizations where id = $1`,
      [acmeId],
    );
    expect(original?.name).toBe('Acme Co');
  });

  it('gives every user a fresh id and an email made unique as local+slug@domain, unconfirmed', async () => {
    const users = await query<{ id: string; email: string; confirmed: boolean }>(
      h.db.url,
      `select id, email::text, confirmed_at is not null as confirmed from users
        where organization_id = $1 order by email`,
      [clone.organizationId],
    );
    expect(users.map((u) => u.email)).toEqual([
      'Dev.Person+acme-clone@Acme-Co.test',
      'user+acme-clone@acme-co.test',
    ]);
    expect(users.every((u) => !u.confirmed)).toBe(true);
    const [shared] = await query<{ n: number }>(
      h.db.url,
      `select count(*)::int as n from users a join users b on a.id = b.id
        where a.organization_id = $1 and b.organization_id = $2`,
      [acmeId, clone.organizationId],
    );
    expect(shared?.n).toBe(0);
  });

  it('copies the agents under fresh ids, with their history, skills, index entries and counters', async () => {
    const agents = (slug: string) =>
      query<{ id: string; name: string; status: string; transitions: number; skills: number }>(
        h.db.url,
        `select a.id, a.name, a.status,
                (select count(*)::int from "org_${slug}".agent_transitions t where t.agent_id = a.id) as transitions,
                (select count(*)::int from "org_${slug}".agent_skills s where s.agent_id = a.id) as skills
           from "org_${slug}".agents a order by a.name`,
      );
    const [original, copied] = [await agents('acme-co'), await agents('acme-clone')];
    expect(copied.map(({ id: _, ...rest }) => rest)).toEqual(
      original.map(({ id: _, ...rest }) => rest),
    );
    expect(copied.some((a) => original.some((o) => o.id === a.id))).toBe(false);
    const index = await query<{ agent_id: string; status: string }>(
      h.db.url,
      `select agent_id, status from agent_index where organization_id = $1 order by agent_id`,
      [clone.organizationId],
    );
    expect(index.map((r) => r.agent_id).sort()).toEqual(copied.map((a) => a.id).sort());
    const counters = `select agent_count, agents_draft, agents_deploying, agents_active, agents_paused, agents_error
                        from organizations where id = $1`;
    expect(await query(h.db.url, counters, [clone.organizationId])).toEqual(
      await query(h.db.url, counters, [acmeId]),
    );
    const [usage] = await query<{ agents: number }>(
      h.db.url,
      'select agents from skill_usage where organization_id = $1',
      [clone.organizationId],
    );
    expect(usage?.agents).toBe(3);
  });

  it('lets a re-confirmed user of the clone sign in and see the clone’s agents', async () => {
    const [dev] = await query<{ id: string }>(
      h.db.url,
      `select id from users where email = 'dev.person+acme-clone@acme-co.test'`,
    );
    const signIn = () =>
      h.router.dispatch({}, 'auth.signIn', {
        email: 'dev.person+acme-clone@acme-co.test',
        password: PASSWORD,
      });
    expect((await signIn()).ok).toBe(false);
    await h.ok(h.admin(), 'users.confirm', { id: dev?.id ?? '' });
    expect((await signIn()).ok).toBe(true);
    const agents = await h.ok(h.slotFor(dev?.id ?? ''), 'agents.list', {
      organizationId: clone.organizationId,
    });
    expect(agents.items.map((a) => a.name).sort()).toEqual([
      'Paused one',
      'Researcher ✓',
      'Writer',
    ]);
  });

  it('starts a clone out of the maintenance its original was exported in', async () => {
    await h.db.sql(
      `update organizations set maintenance_reason = 'Moving house', maintenance_since = now() where slug = 'acme-co'`,
    );
    try {
      const file = join(folder, 'in-maintenance.fptenant');
      await exportTo(file);
      const copy = await importTenant(file, h.db.url, { as: 'acme-quiet' });
      const [row] = await query<{ reason: string | null }>(
        h.db.url,
        'select maintenance_reason as reason from organizations where id = $1',
        [copy.organizationId],
      );
      expect(row?.reason).toBeNull();
    } finally {
      await h.db.sql(
        `update organizations set maintenance_reason = null, maintenance_since = null where slug = 'acme-co'`,
      );
    }
  });

  it('refuses a second clone under a slug that is taken, and writes nothing', async () => {
    const before = await fingerprint(h.db);
    await expect(importTenant(archive, h.db.url, { as: 'x-1-y' })).rejects.toThrow(/taken/);
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('a damaged or crafted archive', () => {
  const refusals: [string, () => Promise<string>, RegExp][] = [
    [
      'a wrong fingerprint sum under a valid sha256',
      () =>
        crafted((lines) =>
          lines.map((line) =>
            line.startsWith('@end ') && line.includes('"rows":3')
              ? line.replace(/"sum":"\d+"/, '"sum":"12345"')
              : line,
          ),
        ),
      /do not match their fingerprint/,
    ],
    [
      'an extra column in a tenant table',
      () =>
        crafted((lines) => {
          const manifest = manifestOf(lines);
          manifest.tenantTables[0]?.columns.push('extra');
          return withManifest(lines, manifest);
        }),
      /not what migration level/,
    ],
    [
      'an extra tenant table',
      () =>
        crafted((lines) => {
          const manifest = manifestOf(lines);
          manifest.tenantTables.push({ name: 'extra', columns: ['id'], identity: [] });
          const finish = lines.findIndex((l) => l.startsWith('@finish'));
          const sections = lines[finish]?.replace(/\d+/, (n) => String(Number(n) + 1)) ?? '';
          const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
          return [
            ...withManifest(lines, manifest).slice(0, finish),
            '@copy {"schema":"org_acme-co","table":"extra"}',
            '\\.',
            `@end {"rows":0,"sum":"0","sha256":"${empty}"}`,
            sections,
            '',
          ];
        }),
      /not what migration level/,
    ],
    [
      'a missing public table',
      () =>
        crafted((lines) => {
          const manifest = manifestOf(lines);
          manifest.publicTables = manifest.publicTables.filter((t) => t.name !== 'users');
          const start = lines.indexOf('@copy {"schema":"public","table":"users"}');
          const end = lines.findIndex((l, i) => i > start && l.startsWith('@end '));
          const finish = lines.findIndex((l) => l.startsWith('@finish'));
          const kept = withManifest(lines, manifest).filter((_, i) => i < start || i > end);
          return kept.map((l, i) =>
            i === finish - (end - start + 1) ? l.replace(/\d+/, (n) => String(Number(n) - 1)) : l,
          );
        }),
      /public tables are/,
    ],
    [
      'a line longer than the limit',
      async () => {
        const file = join(folder, 'long-line.fptenant');
        await writeFile(file, gzipSync(`FLEETPROMPT-TENANT 1\n${'x'.repeat(40 * 1024 * 1024)}\n`));
        return file;
      },
      /a line is longer than/,
    ],
    [
      'a stream cut short',
      async () => {
        const file = join(folder, 'cut.fptenant');
        const whole = await readFile(archive);
        await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
        return file;
      },
      /not an organization export, or it is damaged/,
    ],
    [
      'a whole-database backup',
      async () => {
        const file = join(folder, 'whole.fpbackup');
        await backupDatabase(h.db.url, file);
        return file;
      },
      /does not start as one/,
    ],
  ];

  for (const [what, make, message] of refusals) {
    it(`refuses ${what} before any write, an empty target left empty`, async () => {
      const file = await make();
      const target = await emptyDatabase();
      await expect(importTenant(file, target.url)).rejects.toThrow(message);
      expect(await hasFleetPromptObjects(target.url)).toBe(false);
    });
  }

  it('refuses a crafted clone into the live database without a write', async () => {
    const file = await refusals[0]?.[1]();
    const before = await fingerprint(h.db);
    await expect(importTenant(file ?? '', h.db.url, { as: 'crafted' })).rejects.toBeInstanceOf(
      DamagedTenantArchiveError,
    );
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('prints a name read from the archive without its control characters', async () => {
    const file = await crafted((lines) => {
      const manifest = manifestOf(lines);
      manifest.publicTables[1] = { name: 'users\u001b[2J', columns: ['id'], identity: [] };
      return withManifest(lines, manifest);
    });
    const error = await importTenant(file, (await emptyDatabase()).url).catch((e: Error) => e);
    expect(String(error)).toMatch(/public\.users\[2J/);
    expect(String(error).includes('\u001b')).toBe(false);
  });
});

describe('a failure half-way', () => {
  it('rolls the whole import back', async () => {
    await h.db.sql(`
      create function refuse_agents() returns trigger language plpgsql as $$
      begin raise exception 'refused half-way'; end $$`);
    await h.db.sql(
      `create trigger refuse_agents before insert on agent_index for each statement execute function refuse_agents()`,
    );
    try {
      const before = await fingerprint(h.db);
      await expect(importTenant(archive, h.db.url, { as: 'half-way' })).rejects.toThrow(
        /refused half-way/,
      );
      expect(await fingerprint(h.db)).toBe(before);
      const [schema] = await query<{ n: number }>(
        h.db.url,
        `select count(*)::int as n from pg_namespace where nspname = 'org_half-way'`,
      );
      expect(schema?.n).toBe(0);
    } finally {
      await h.db.sql('drop trigger refuse_agents on agent_index');
      await h.db.sql('drop function refuse_agents()');
    }
  });
});

describe('npm run tenant:export and tenant:import', () => {
  it('export to a file, then import it as a clone into another database, each audited', async () => {
    const home = await mkdtemp(join(folder, 'home-'));
    const file = join(folder, 'cli.fptenant');
    const target = await emptyDatabase();
    const run = (script: string, args: string[], url: string) =>
      spawnSync(process.execPath, [script, ...args], {
        env: { ...process.env, DATABASE_URL: url, FLEETPROMPT_HOME: home },
        encoding: 'utf8',
      });
    const exported = run('src-main/cli/tenant-export.ts', ['acme-co', file], h.db.url);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(
      /exported organization acme-co to .* and read it back: 9 tables/,
    );
    const imported = run(
      'src-main/cli/tenant-import.ts',
      [file, '--as', 'acme-cli', '--to', target.url],
      h.db.url,
    );
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/imported and verified a clone, "Acme Co \(clone acme-cli\)"/);
    const [exportRow] = await query<{ target_id: string }>(
      h.db.url,
      `select target_id from audit_events where action = 'organizations.export'`,
    );
    expect(exportRow?.target_id).toBe(file);
    const [importRow] = await query<{ organization_id: string; actor_label: string }>(
      target.url,
      `select organization_id::text, actor_label from audit_events where action = 'organizations.import'`,
    );
    const [made] = await query<{ id: string }>(target.url, `select id::text from organizations`);
    expect(importRow?.organization_id).toBe(made?.id);
  });
});
