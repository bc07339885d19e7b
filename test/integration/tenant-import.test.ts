import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import type { TransferProgress } from '../../src-shared/channels.ts';
import { CHANGE_CHANNEL } from '../../src-main/db/change-listener.ts';
import { writeMarker } from '../../src-main/db/transfer/marker.ts';
import {
  checkTenantArchive,
  DamagedTenantArchiveError,
} from '../../src-main/db/transfer/tenant-archive.ts';
import { exportTenant } from '../../src-main/db/transfer/tenant-export.ts';
import {
  importTenant,
  TenantImportError,
  type TenantImportReport,
} from '../../src-main/db/transfer/tenant-import.ts';
import { craftedArchive, manifestOf, withManifest } from '../support/crafted-archive.ts';
import {
  connectionsTo,
  contents,
  hasFleetPromptObjects,
  organizationContents,
  query,
} from '../support/database-contents.ts';
import type { Harness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { sharedWorld } from '../support/shared-world.ts';
import { fromTemplate } from '../support/template-database.ts';

/*
 * One organization's archive into a database (tenant-import.ts), stated
 * against the target itself: restored as it was where it is absent, or
 * cloned beside the live one under a new slug (fresh ids, emails made
 * unique, users unconfirmed), every table verified, all of it or nothing;
 * and what it refuses. The source is a template world
 * (test/support/template-database.ts) so that a mutation run can afford the
 * file; the console's channel, the CLI and the archive's damage are in
 * tenant-transfer.test.ts and crafted-archives.test.ts.
 */

async function build(h: Harness): Promise<void> {
  const acme = await h.org('acme-co', 'pro');
  const other = await h.org('other-co', 'pro');
  // an actor of another organization: their id stays as it is in a clone
  const admin = h.slotFor((await h.user(other.id, 'admin', 'admin@other-co.test')).id);
  const developer = h.slotFor((await h.user(acme.id, 'developer', 'Dev.Person@Acme-Co.test')).id);
  await h.user(acme.id, 'user', 'user@acme-co.test');
  await h.user(other.id, 'developer', 'dev@other-co.test');
  const skill = (slug: string) =>
    h.ok(admin, 'skills.create', {
      name: `Skill ${slug}`,
      slug,
      category: 'research',
      tierRequired: 'free',
      systemPromptEnhancement: 'Cite sources.',
      tools: ['search'],
    });
  const shared = await skill('shared-skill');
  const acmeOnly = await skill('acme-skill');
  const agent = async (organizationId: string, name: string, skills: { id: string }[]) => {
    const created = await h.ok(admin, 'agents.create', {
      organizationId,
      name,
      systemPrompt: 'Line one\nline two\\with backslash',
      config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2 },
    });
    for (const s of skills)
      await h.ok(admin, 'agents.attachSkill', {
        organizationId,
        agentId: created.id,
        skillId: s.id,
      });
    return created;
  };
  const researcher = await agent(acme.id, 'Researcher', [shared, acmeOnly]);
  const writer = await agent(acme.id, 'Writer', [shared]);
  // one of its own users acts too: a clone names them by their new id
  await h.ok(developer, 'agents.transition', {
    organizationId: acme.id,
    id: writer.id,
    version: writer.version,
    event: 'deploy',
  });
  await agent(other.id, 'Theirs', [shared]);
  let version = researcher.version;
  for (const event of ['deploy', 'activate', 'pause'] as const)
    version = (
      await h.ok(admin, 'agents.transition', {
        organizationId: acme.id,
        id: researcher.id,
        version,
        event,
      })
    ).version;
}

let db: ScratchDatabase;
let folder = '';
let acmeId = '';
const scratch: ScratchDatabase[] = [];
let setupFailed: unknown = null;

async function emptyDatabase(): Promise<ScratchDatabase> {
  const made = await createScratchDatabase(inject('serverUrl'), 'fp_import');
  scratch.push(made);
  return made;
}

/** A copy of the source world, to import into. */
async function copyOfSource(): Promise<ScratchDatabase> {
  const made = await fromTemplate('tenant_import', build);
  scratch.push(made);
  return made;
}

/** A copy of the source world where the organization was deleted, its audit events left in the log. */
async function withoutAcme(): Promise<ScratchDatabase> {
  const made = await copyOfSource();
  await query(made.url, `delete from organizations where slug = 'acme-co'`);
  await query(made.url, `drop schema "org_acme-co" cascade`);
  return made;
}

async function exportFrom(url: string, file: string): Promise<string> {
  const out = createWriteStream(file);
  try {
    await exportTenant(url, 'acme-co', out, { app: 'import-test' });
  } finally {
    out.end();
    await once(out, 'close');
  }
  return file;
}

let exports = 0;
/** The source's organization exported to an archive: its file. */
const archive = sharedWorld(() =>
  exportFrom(db.url, join(folder, `acme-${(exports += 1)}.fptenant`)),
);

/** How many of this process's file descriptors are open on `file` (Linux). */
async function descriptorsOn(file: string): Promise<number> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => null)),
  );
  return targets.filter((target) => target === file).length;
}

/** The notifications heard on `url` while `work` runs (and a moment after). */
async function heardDuring(url: string, work: () => Promise<unknown>): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const heard: unknown[] = [];
  client.on('notification', (n) => heard.push(JSON.parse(n.payload ?? 'null')));
  try {
    await client.query(`listen ${CHANGE_CHANNEL}`);
    await work();
    await client.query('select 1');
    return heard;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  try {
    db = await fromTemplate('tenant_import', build);
    folder = await mkdtemp(join(tmpdir(), 'fleetprompt-tenant-import-'));
    acmeId =
      (
        await query<{ id: string }>(db.url, `select id from organizations where slug = 'acme-co'`)
      )[0]?.id ?? '';
  } catch (error) {
    setupFailed = error;
  }
});

// a setup that fails fails each test, not the file (a mutation run counts only failed tests)
beforeEach(() => {
  if (setupFailed !== null) throw setupFailed;
});

afterAll(async () => {
  for (const made of scratch) await made.drop();
  await db?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe('an import into an empty database', () => {
  /** The archive imported into an empty database: the target, the import's report and its progress. */
  const imported = sharedWorld(async () => {
    const file = await archive();
    const target = await emptyDatabase();
    // "$user" comes first on the default search path: the migrations must still make public's tables
    await query(target.url, 'create schema authorization current_user');
    const heard: TransferProgress[] = [];
    const started = performance.now();
    const report = await importTenant(file, target.url, { onProgress: (p) => heard.push(p) });
    return { file, target, report, heard, tookMs: performance.now() - started };
  });

  it('restores every row of the organization as it was, its counters included', async () => {
    const { target } = await imported();
    const restored = await organizationContents(target.url, 'acme-co');
    const [agents] = await query<{ n: number }>(
      target.url,
      'select count(*)::int as n from "org_acme-co".agents',
    );
    expect(agents?.n).toBe(2);
    expect(restored).toEqual(await organizationContents(db.url, 'acme-co'));
  });

  it('brings the catalog skills its agents use, as they are, and no other', async () => {
    const { target } = await imported();
    const skills = `select * from skills where slug <> 'unused' order by slug`;
    const restored = await query(target.url, skills);
    expect(restored).toEqual(
      await query(
        db.url,
        `select * from skills where slug in ('acme-skill', 'shared-skill') order by slug`,
      ),
    );
  });

  it('migrates the public schema to the archive’s level, its ledger listing each migration, beside a schema of the role’s name', async () => {
    const { target } = await imported();
    const ledger = 'select name from mikro_orm_migrations order by id';
    const names = await query<{ name: string }>(target.url, ledger);
    expect(names.length).toBeGreaterThan(1);
    expect(names).toEqual(await query(db.url, ledger));
    expect(
      await query(target.url, 'select tablename from pg_tables where schemaname = current_user'),
    ).toEqual([]);
  });

  it('answers the organization, its users, agents, sections and rows, and the seconds it took', async () => {
    const { file, report, tookMs } = await imported();
    const { manifest, fingerprints } = await checkTenantArchive(file);
    const [org] = await query<{ name: string }>(
      db.url,
      'select name from organizations where id = $1',
      [acmeId],
    );
    expect(report).toMatchObject({
      organizationId: acmeId,
      slug: 'acme-co',
      name: org?.name,
      clone: false,
      users: 2,
      agents: 2,
      tables: manifest.publicTables.length + manifest.tenantTables.length,
      rows: fingerprints.reduce((n, f) => n + f.rows, 0),
    });
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.seconds * 1000).toBeLessThanOrEqual(tookMs);
  });

  it('tells its progress: checking, copying, verifying, done', async () => {
    const { report, heard, tookMs } = await imported();
    expect(
      heard.map(({ phase, tenantsDone, tenantsTotal }) => [phase, tenantsDone, tenantsTotal]),
    ).toEqual([
      ['checking', 0, 1],
      ['copying', 0, 1],
      ['verifying', 0, 1],
      ['done', 1, 1],
    ]);
    expect(heard.at(-1)?.rows).toBe(report.rows);
    expect(heard[0]?.rows).toBe(0);
    for (const [i, p] of heard.entries())
      expect(p.elapsedMs).toBeGreaterThanOrEqual(heard[i - 1]?.elapsedMs ?? 0);
    expect(heard.at(-1)?.elapsedMs).toBeLessThanOrEqual(tookMs);
  });

  it('leaves no connection open to the target', async () => {
    const { target } = await imported();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await connectionsTo(target.url)).toBe(0);
  });
});

describe('an import of an organization without audit events', () => {
  it('restores every tenant table whole, whatever the public sections before them hold', async () => {
    const source = await copyOfSource();
    await query(source.url, 'delete from audit_events where organization_id = $1', [acmeId]);
    const file = await exportFrom(source.url, join(folder, 'no-events.fptenant'));
    const target = await emptyDatabase();
    await importTenant(file, target.url);
    expect(await organizationContents(target.url, 'acme-co')).toEqual(
      await organizationContents(source.url, 'acme-co'),
    );
  });
});

describe('an import of an archive from an older FleetPrompt', () => {
  it('migrates an empty target and the organization’s schema only to the archive’s levels', async () => {
    const source = await copyOfSource();
    const last = TENANT_MIGRATIONS.length;
    // the organization's schema rolled back one level, as the last tenant migration's down does
    await query(source.url, 'alter table "org_acme-co".agent_transitions drop column reason');
    await query(
      source.url,
      `update organizations set tenant_schema_version = $1 where slug = 'acme-co'`,
      [last - 1],
    );
    await query(
      source.url,
      `delete from tenant_migrations where tenant_slug = 'acme-co' and name = $1`,
      [TENANT_MIGRATIONS.at(-1)?.name],
    );
    const file = await craftedArchive(
      await exportFrom(source.url, join(folder, 'older.fptenant')),
      (lines) => {
        // made before the last public migration, which changes none of an organization's public tables
        const manifest = manifestOf(lines);
        manifest.publicMigrations.pop();
        return withManifest(lines, manifest);
      },
    );
    const { manifest } = await checkTenantArchive(file);
    const target = await emptyDatabase();
    await importTenant(file, target.url);
    const ledger = await query<{ name: string }>(
      target.url,
      'select name from mikro_orm_migrations order by id',
    );
    expect(ledger.map((m) => m.name)).toEqual(manifest.publicMigrations);
    const tenantLedger = await query<{ name: string }>(
      target.url,
      `select name from tenant_migrations where tenant_slug = 'acme-co' order by id`,
    );
    expect(tenantLedger.map((m) => m.name)).toEqual(
      TENANT_MIGRATIONS.slice(0, last - 1).map((m) => m.name),
    );
    expect(await organizationContents(target.url, 'acme-co')).toEqual(
      await organizationContents(source.url, 'acme-co'),
    );
  });
});

describe('an import where the organization was deleted', () => {
  it('restores it, its catalog skills found by id and its audit events not added twice', async () => {
    const target = await withoutAcme();
    const events = `select count(*)::int as n from audit_events where organization_id = $1`;
    const [before] = await query<{ n: number }>(target.url, events, [acmeId]);
    expect(before?.n).toBeGreaterThan(0);
    const report = await importTenant(await archive(), target.url);
    expect(await organizationContents(target.url, 'acme-co')).toEqual(
      await organizationContents(db.url, 'acme-co'),
    );
    const [after] = await query<{ n: number }>(target.url, events, [acmeId]);
    // the import's own event is not in the log until a console writes it
    expect(after?.n).toBe(before?.n);
    const skills = 'select * from skills order by slug';
    expect(await query(target.url, skills)).toEqual(await query(db.url, skills));
    const { fingerprints, manifest } = await checkTenantArchive(await archive());
    const skillsAt = manifest.publicTables.findIndex((t) => t.name === 'skills');
    const auditAt = manifest.publicTables.findIndex((t) => t.name === 'audit_events');
    // what was written: the archive but its skills (found) and the events the log still had
    expect(report.rows).toBe(
      fingerprints.reduce((n, f) => n + f.rows, 0) -
        (fingerprints[skillsAt]?.rows ?? 0) -
        (fingerprints[auditAt]?.rows ?? 0),
    );
  });

  it('adds the catalog skill the target lost, beside those it has', async () => {
    const target = await withoutAcme();
    await query(target.url, `delete from skills where slug = 'acme-skill'`);
    await importTenant(await archive(), target.url);
    const skills = 'select * from skills order by slug';
    expect(await query(target.url, skills)).toEqual(await query(db.url, skills));
  });
});

describe('an import refused, writing nothing', () => {
  /** Expects the import to be refused with `message`, the target's rows as they were. */
  async function refused(
    target: string,
    message: string | RegExp,
    options: { as?: string } = {},
    file?: string,
  ) {
    const before = await contents(target);
    const error = await importTenant(file ?? (await archive()), target, options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TenantImportError);
    expect(error).toMatchObject({ name: 'TenantImportError' });
    expect(String((error as Error).message)).toMatch(message);
    expect(await contents(target)).toEqual(before);
  }

  it('where the organization exists', async () => {
    await refused(
      (await copyOfSource()).url,
      'The organization "acme-co" exists in the target: import it as a clone under a new slug (--as), or delete it first.',
    );
  });

  it('where the organization exists, leaving no file open on an archive read only in part', async () => {
    // an archive of several reads: refused before its tenant sections, its file is not at its end
    const source = await copyOfSource();
    await query(
      source.url,
      `update "org_acme-co".agents
          set system_prompt = (select string_agg(md5(random()::text), '') from generate_series(1, 12000))`,
    );
    const file = await exportFrom(source.url, join(folder, 'acme-large.fptenant'));
    expect((await stat(file)).size).toBeGreaterThan(4 * 64 * 1024);

    await refused(source.url, /The organization "acme-co" exists in the target/, {}, file);

    expect(await descriptorsOn(file)).toBe(0);
  });

  it('where an organization of another slug has its id', async () => {
    const target = await copyOfSource();
    await query(target.url, `update organizations set slug = 'renamed-co' where id = $1`, [acmeId]);
    await refused(target.url, /The organization "acme-co" exists in the target/);
  });

  it('where a schema of its slug is left without its organization', async () => {
    const target = await withoutAcme();
    await query(target.url, 'create schema "org_acme-co"');
    await refused(target.url, /The organization "acme-co" exists in the target/);
  });

  it('where one of its users exists in another organization', async () => {
    const target = await withoutAcme();
    await query(
      target.url,
      `update users set email = 'dev.person@acme-co.test' where email = 'dev@other-co.test'`,
    );
    await refused(
      target.url,
      "1 of the organization's users (their ids or emails) exist in the target; import it as a clone (--as) instead.",
    );
  });

  it('where one of its agents is indexed in the target', async () => {
    const target = await withoutAcme();
    const [agent] = await query<{ id: string }>(
      db.url,
      `select id from "org_acme-co".agents where name = 'Writer'`,
    );
    await query(
      target.url,
      `update agent_index set agent_id = $1 where agent_id = (select agent_id from agent_index limit 1)`,
      [agent?.id],
    );
    await refused(
      target.url,
      'Agents of the organization exist in the target; import it as a clone (--as) instead.',
    );
  });

  it('where the skill catalog has its skills under other ids, naming each', async () => {
    const target = await withoutAcme();
    for (const slug of ['shared-skill', 'acme-skill']) {
      await query(target.url, `update skills set slug = $1 where slug = $2`, [`${slug}-old`, slug]);
      await query(
        target.url,
        `insert into skills (name, slug, system_prompt_enhancement) values ('Another', $1, 'x')`,
        [slug],
      );
    }
    await refused(
      target.url,
      'The target\'s skill catalog has "acme-skill", "shared-skill" under another id than the archive’s; nothing was imported.',
    );
  });

  it('where the target is at an older FleetPrompt version than the archive', async () => {
    const target = await withoutAcme();
    await query(
      target.url,
      'delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations)',
    );
    await refused(
      target.url,
      'The target is at an older FleetPrompt version than the archive: open it with this FleetPrompt first, then import.',
    );
  });

  it('where the target holds an unfinished copy of a whole database', async () => {
    const target = await emptyDatabase();
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await writeMarker(client, {
      source: 'postgres://elsewhere.example/fleet',
      startedAt: new Date().toISOString(),
      slugs: [],
      objectsBefore: [],
      appended: false,
    });
    await client.end();
    await refused(
      target.url,
      'The target holds an unfinished copy of a whole database; finish it or roll it back first.',
    );
  });

  it('where the target holds tenant schemas but no FleetPrompt data', async () => {
    const target = await emptyDatabase();
    await query(target.url, 'create schema "org_someone"');
    await refused(target.url, 'The target holds tenant schemas but no FleetPrompt data.');
    expect(await query(target.url, `select 1 from pg_tables where schemaname = 'public'`)).toEqual(
      [],
    );
  });

  const newer =
    'The archive was made by a newer FleetPrompt (it holds migrations this one does not know). Update FleetPrompt, then import again.';

  it('from an archive made by a newer FleetPrompt (a public migration this one does not know)', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const manifest = manifestOf(lines);
      manifest.publicMigrations.push('Migration20991231000001_future');
      return withManifest(lines, manifest);
    });
    const target = await emptyDatabase();
    await refused(target.url, newer, {}, file);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('from an archive made by a newer FleetPrompt (its organization at a level this one does not know)', async () => {
    const source = await copyOfSource();
    await query(
      source.url,
      `update organizations set tenant_schema_version = $1 where slug = 'acme-co'`,
      [TENANT_MIGRATIONS.length + 1],
    );
    const file = await exportFrom(source.url, join(folder, 'newer-level.fptenant'));
    const target = await emptyDatabase();
    await refused(target.url, newer, {}, file);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });
});

describe('a clone beside the live organization', () => {
  /**
   * The archive cloned as acme-clone into a copy of its source: that copy,
   * the import's report, the live organization's rows before and the
   * notifications heard. The tests below that write to the copy leave the
   * clone as it was.
   */
  const cloned = sharedWorld(async () => {
    const file = await archive();
    const live = await copyOfSource();
    const before = await organizationContents(live.url, 'acme-co');
    let clone: TenantImportReport | undefined;
    const notified = await heardDuring(live.url, async () => {
      clone = await importTenant(file, live.url, { as: 'acme-clone' });
    });
    return { file, live, clone: clone!, before, notified };
  });

  const users = (url: string, organizationId: string) =>
    query<{ id: string; email: string; confirmed: boolean; hash: string; role: string }>(
      url,
      `select id, email::text, confirmed_at is not null as confirmed, hashed_password as hash, role
         from users where organization_id = $1 order by email`,
      [organizationId],
    );

  it('gives the organization a fresh id, the new slug and "<name> (clone <slug>)"', async () => {
    const { live, clone } = await cloned();
    const [org] = await query<{ id: string; slug: string; name: string }>(
      live.url,
      `select id, slug, name from organizations where slug = 'acme-clone'`,
    );
    const [original] = await query<{ name: string }>(
      live.url,
      'select name from organizations where id = $1',
      [acmeId],
    );
    expect(org).toEqual({
      id: clone.organizationId,
      slug: 'acme-clone',
      name: `${original?.name} (clone acme-clone)`,
    });
    expect(clone.organizationId).not.toBe(acmeId);
    expect(clone.organizationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(clone).toMatchObject({
      slug: 'acme-clone',
      name: org?.name,
      clone: true,
      users: 2,
      agents: 2,
    });
  });

  it('leaves the organization it was cloned from as it was', async () => {
    const { live, before } = await cloned();
    expect(await organizationContents(live.url, 'acme-co')).toEqual(before);
  });

  it('gives every user a fresh id and an email made unique as local+slug@domain, unconfirmed, with their password', async () => {
    const { live, clone } = await cloned();
    const [copied, original] = [
      await users(live.url, clone.organizationId),
      await users(live.url, acmeId),
    ];
    expect(copied.map((u) => u.email)).toEqual([
      'Dev.Person+acme-clone@Acme-Co.test',
      'user+acme-clone@acme-co.test',
    ]);
    expect(copied.map((u) => u.confirmed)).toEqual([false, false]);
    expect(original.map((u) => u.confirmed)).toEqual([true, true]);
    expect(copied.map((u) => [u.hash, u.role])).toEqual(original.map((u) => [u.hash, u.role]));
    expect(copied.filter((u) => original.some((o) => o.id === u.id))).toEqual([]);
  });

  it('copies the agents under fresh ids, with their history, skills, index entries and counters', async () => {
    const { live, clone } = await cloned();
    const agents = (slug: string) =>
      query<{ id: string; name: string; status: string; transitions: string; skills: string }>(
        live.url,
        `select a.id, a.name, a.status,
                (select string_agg(t.from_status || '>' || t.to_status, ',' order by t.at)
                   from "org_${slug}".agent_transitions t where t.agent_id = a.id) as transitions,
                (select string_agg(s.skill_id::text, ',' order by s.skill_id)
                   from "org_${slug}".agent_skills s where s.agent_id = a.id) as skills
           from "org_${slug}".agents a order by a.name`,
      );
    const [original, copied] = [await agents('acme-co'), await agents('acme-clone')];
    expect(copied.map(({ id: _, ...rest }) => rest)).toEqual(
      original.map(({ id: _, ...rest }) => rest),
    );
    expect(copied.filter((a) => original.some((o) => o.id === a.id))).toEqual([]);
    const transitionIds = async (slug: string) =>
      (await query<{ id: string }>(live.url, `select id from "org_${slug}".agent_transitions`)).map(
        (t) => t.id,
      );
    const [originalSteps, copiedSteps] = [
      await transitionIds('acme-co'),
      await transitionIds('acme-clone'),
    ];
    expect(copiedSteps).toHaveLength(originalSteps.length);
    expect(copiedSteps.filter((id) => originalSteps.includes(id))).toEqual([]);
    const index = await query<{ agent_id: string }>(
      live.url,
      'select agent_id from agent_index where organization_id = $1 order by agent_id',
      [clone.organizationId],
    );
    expect(index.map((r) => r.agent_id)).toEqual(copied.map((a) => a.id).sort());
    const counters = `select agent_count, agents_draft, agents_deploying, agents_active, agents_paused, agents_error
                        from organizations where id = $1`;
    expect(await query(live.url, counters, [clone.organizationId])).toEqual(
      await query(live.url, counters, [acmeId]),
    );
    const usage =
      'select skill_id, agents from skill_usage where organization_id = $1 order by skill_id';
    expect(await query(live.url, usage, [clone.organizationId])).toEqual(
      await query(live.url, usage, [acmeId]),
    );
  });

  it('carries the audit events, naming the clone’s own users and agents by their new ids and other actors as they were', async () => {
    const { live, clone } = await cloned();
    const events = (organizationId: string) =>
      query<{ actor: string | null; action: string; target: string | null }>(
        live.url,
        `select actor_id::text as actor, action, target_id as target from audit_events
          where organization_id = $1 order by id`,
        [organizationId],
      );
    const [original, copied] = [await events(acmeId), await events(clone.organizationId)];
    expect(copied.map((e) => e.action)).toEqual(original.map((e) => e.action));
    const [admin] = await query<{ id: string }>(
      live.url,
      `select id from users where email = 'admin@other-co.test'`,
    );
    expect(original.some((e) => e.actor === admin?.id)).toBe(true);
    const ownIds = new Set(
      (
        await query<{ id: string }>(
          live.url,
          `select id::text from users where organization_id = $1
            union all select agent_id::text from agent_index where organization_id = $1
            union all select $1::text`,
          [acmeId],
        )
      ).map((r) => r.id),
    );
    const own = (id: string | null) => id !== null && ownIds.has(id);
    expect(original.filter((e) => own(e.target)).length).toBeGreaterThan(0);
    expect(original.filter((e) => own(e.actor)).length).toBeGreaterThan(0);
    for (const [i, event] of original.entries())
      for (const key of ['actor', 'target'] as const)
        if (own(event[key])) expect(copied[i]?.[key]).not.toBe(event[key]);
        else expect(copied[i]?.[key]).toBe(event[key]);
    const cloneUsers = await users(live.url, clone.organizationId);
    for (const event of copied.filter((e) => e.actor !== null && e.actor !== admin?.id))
      expect(cloneUsers.map((u) => u.id)).toContain(event.actor);
  });

  it('tells every console on the target, once committed', async () => {
    const { clone, notified } = await cloned();
    expect(notified).toContainEqual(
      expect.objectContaining({
        kind: 'organization',
        id: clone.organizationId,
        organizationId: clone.organizationId,
        action: 'organizations.import',
      }),
    );
  });

  it('is refused a second time under the same slug, writing nothing', async () => {
    const { live, file } = await cloned();
    const before = await contents(live.url);
    await expect(importTenant(file, live.url, { as: 'acme-clone' })).rejects.toThrow(
      'The slug "acme-clone" is taken in the target: choose another one for the clone.',
    );
    expect(await contents(live.url)).toEqual(before);
  });

  it('is refused where one of its emails is taken, writing nothing', async () => {
    const { live, file } = await cloned();
    await query(
      live.url,
      `update users set email = 'user+acme-three@acme-co.test' where email = 'dev@other-co.test'`,
    );
    const before = await contents(live.url);
    await expect(importTenant(file, live.url, { as: 'acme-three' })).rejects.toThrow(
      "1 of the clone's emails (local+acme-three@domain) are taken in the target; nothing was imported.",
    );
    expect(await contents(live.url)).toEqual(before);
  });

  it('is refused where an email would grow past 254 characters, writing nothing', async () => {
    const { live } = await cloned();
    const source = await copyOfSource();
    const long = `${'a'.repeat(240)}@acme-co.test`;
    await query(source.url, `update users set email = $1 where email = 'user@acme-co.test'`, [
      long,
    ]);
    const file = await exportFrom(source.url, join(folder, 'long-email.fptenant'));
    const before = await contents(live.url);
    await expect(importTenant(file, live.url, { as: 'acme-long' })).rejects.toThrow(
      'Some emails would be longer than 254 characters as local+acme-long@domain: choose a shorter slug.',
    );
    expect(await contents(live.url)).toEqual(before);
  });

  it('accepts an email grown to exactly 254 characters', async () => {
    const { live } = await cloned();
    const source = await copyOfSource();
    const long = `${'a'.repeat(232)}@acme-co.test`;
    await query(source.url, `update users set email = $1 where email = 'user@acme-co.test'`, [
      long,
    ]);
    const file = await exportFrom(source.url, join(folder, 'email-254.fptenant'));
    const copy = await importTenant(file, live.url, { as: 'acme-254' });
    const [user] = await query<{ n: number }>(
      live.url,
      `select max(length(email))::int as n from users where organization_id = $1`,
      [copy.organizationId],
    );
    expect(user?.n).toBe(254);
  });

  it('answers a clash the target finds only on writing as one gained during the import, writing nothing', async () => {
    const target = await copyOfSource();
    // bcrypt's salts make every hash unique; a clone copies its users' hashes
    await query(target.url, 'create unique index hashes_once on users (hashed_password)');
    const before = await contents(target.url);
    const refused = importTenant(await archive(), target.url, { as: 'acme-twin' });
    await expect(refused).rejects.toBeInstanceOf(TenantImportError);
    await expect(refused).rejects.toThrow(
      'The target gained an organization, user or agent with the same slug, email or id during the import; nothing was imported.',
    );
    expect(await contents(target.url)).toEqual(before);
  });

  it.each([
    ['Not A Slug', '"Not A Slug" is not a valid slug.'],
    ['acme-co', 'A clone needs a slug of its own: give another one than the archive’s.'],
  ])('is refused under %s, before the target is touched', async (as, message) => {
    const { live, file } = await cloned();
    const before = await contents(live.url);
    const error = importTenant(file, live.url, { as });
    await expect(error).rejects.toBeInstanceOf(TenantImportError);
    await expect(error).rejects.toThrow(message);
    expect(await contents(live.url)).toEqual(before);
  });
});

describe('an organization exported in maintenance', () => {
  it.each([
    ['an administrator’s (no ticket)', null, 'Moving house'],
    ['a process’s (a ticket)', 7, null],
  ])(
    'restored from %s keeps it or not, and a clone starts out of it',
    async (_, ticket, restored) => {
      const source = await copyOfSource();
      await query(
        source.url,
        `update organizations set maintenance_reason = 'Moving house', maintenance_since = now(),
              maintenance_ticket = $1 where slug = 'acme-co'`,
        [ticket],
      );
      const file = await exportFrom(source.url, join(folder, `maintenance-${ticket}.fptenant`));
      const target = await emptyDatabase();
      await importTenant(file, target.url);
      const copy = await importTenant(file, target.url, { as: 'acme-quiet' });
      const reasons = await query<{
        slug: string;
        reason: string | null;
        since: boolean;
        ticket: number | null;
      }>(
        target.url,
        `select slug, maintenance_reason as reason, maintenance_since is not null as since, maintenance_ticket as ticket
         from organizations order by slug`,
      );
      expect(reasons).toEqual([
        { slug: 'acme-co', reason: restored, since: restored !== null, ticket: null },
        { slug: 'acme-quiet', reason: null, since: false, ticket: null },
      ]);
      expect(copy.organizationId).not.toBe(acmeId);
    },
  );
});

describe('an import that fails half-way or does not verify', () => {
  it('rolls everything back when a write fails', async () => {
    const target = await copyOfSource();
    await query(
      target.url,
      `create function refuse_agents() returns trigger language plpgsql as $$
       begin raise exception 'refused half-way'; end $$`,
    );
    await query(
      target.url,
      'create trigger refuse_agents before insert on agent_index for each statement execute function refuse_agents()',
    );
    const before = await contents(target.url);
    await expect(importTenant(await archive(), target.url, { as: 'half-way' })).rejects.toThrow(
      'refused half-way',
    );
    expect(await contents(target.url)).toEqual(before);
    expect(
      await query(target.url, `select 1 from pg_namespace where nspname = 'org_half-way'`),
    ).toEqual([]);
  });

  it('refuses and rolls back when tables hold other than what was sent, naming each', async () => {
    const target = await withoutAcme();
    await query(target.url, `delete from skills where slug = 'acme-skill'`);
    for (const [table, column] of [
      ['skills', 'description'],
      ['users', 'name'],
    ]) {
      await query(
        target.url,
        `create function alter_${table}() returns trigger language plpgsql as $$
         begin new.${column} := 'altered'; return new; end $$`,
      );
      await query(
        target.url,
        `create trigger alter_${table} before insert on ${table} for each row execute function alter_${table}()`,
      );
    }
    const before = await contents(target.url);
    const refused = importTenant(await archive(), target.url);
    await expect(refused).rejects.toBeInstanceOf(TenantImportError);
    await expect(refused).rejects.toThrow(
      new TenantImportError(
        'The imported organization differs from the archive in public.users, public.skills; nothing was imported.',
      ),
    );
    expect(await contents(target.url)).toEqual(before);
  });

  it('is refused as damaged when tenant sections’ rows do not match their fingerprint, naming each', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const ends = lines.flatMap((line, i) => (line.startsWith('@end ') ? [i] : []));
      const lastTwo = ends.slice(-2);
      return lines.map((line, i) =>
        lastTwo.includes(i) ? line.replace(/"sum":"\d+"/, '"sum":"12345"') : line,
      );
    });
    const { manifest } = await checkTenantArchive(await archive());
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(
      `(the rows of ${manifest.tenantTables
        .slice(-2)
        .map((t) => t.name)
        .join(', ')} do not match their fingerprint)`,
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('is refused as damaged when its tenant tables are not what its level makes', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const manifest = manifestOf(lines);
      manifest.tenantTables[0]?.columns.push('extra');
      return withManifest(lines, manifest);
    });
    const { manifest } = await checkTenantArchive(await archive());
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(
      `its tenant tables are not what migration level ${manifest.level} makes`,
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('is refused as damaged when its public tables are not the ones an organization has, naming them', async () => {
    // its first two sections swapped, in its manifest and in its body
    const file = await craftedArchive(await archive(), (lines) => {
      const manifest = manifestOf(lines);
      const [first, second] = manifest.publicTables;
      if (first && second) manifest.publicTables.splice(0, 2, second, first);
      const starts = lines.flatMap((line, i) => (line.startsWith('@copy ') ? [i] : []));
      const [a = 0, b = 0, c = 0] = starts;
      return withManifest(
        [...lines.slice(0, a), ...lines.slice(b, c), ...lines.slice(a, b), ...lines.slice(c)],
        manifest,
      );
    });
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(
      '(its public tables are users, organizations, skills, agent_index, skill_usage, audit_events, ' +
        'not organizations, users, skills, agent_index, skill_usage, audit_events)',
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('is refused as damaged when its public columns are not what its migrations make', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const manifest = manifestOf(lines);
      const columns = manifest.publicTables.find((t) => t.name === 'users')?.columns ?? [];
      const [email, name] = [columns.indexOf('email'), columns.indexOf('name')];
      columns.splice(email, 1, 'name');
      columns.splice(name, 1, 'email');
      return withManifest(lines, manifest);
    });
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(
      "(public.users is not what the archive's migrations make)",
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('is refused as damaged when a table names an identity column it does not have', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const manifest = manifestOf(lines);
      manifest.tenantTables[0]?.identity.push('nowhere');
      return withManifest(lines, manifest);
    });
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow('do not add up');
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it.each([
    [
      'lacks columns the archive has',
      'alter table users drop column name, drop column created_at',
      '(public.users has columns no FleetPrompt version makes: name, created_at)',
    ],
    [
      'lacks a table of the archive',
      'drop table skill_usage',
      '(public.skill_usage has columns no FleetPrompt version makes: skill_id, organization_id, agents)',
    ],
  ])('is refused as damaged when the target %s, naming each column', async (_, change, message) => {
    const target = await withoutAcme();
    await query(target.url, change);
    const before = await contents(target.url);
    const refused = importTenant(await archive(), target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(message);
    expect(await contents(target.url)).toEqual(before);
  });

  it('is refused as damaged when public sections’ rows do not match their fingerprint, naming each', async () => {
    const file = await craftedArchive(await archive(), (lines) => {
      const firstTwo = lines
        .flatMap((line, i) => (line.startsWith('@end ') ? [i] : []))
        .slice(0, 2);
      return lines.map((line, i) =>
        firstTwo.includes(i) ? line.replace(/"sum":"\d+"/, '"sum":"12345"') : line,
      );
    });
    const { manifest } = await checkTenantArchive(await archive());
    const target = await emptyDatabase();
    const refused = importTenant(file, target.url);
    await expect(refused).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(refused).rejects.toThrow(
      `(the rows of ${manifest.publicTables
        .slice(0, 2)
        .map((t) => `public.${t.name}`)
        .join(', ')} do not match their fingerprint)`,
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('is refused as damaged when a section’s rows do not match their fingerprint', async () => {
    const file = await craftedArchive(await archive(), (lines) =>
      lines.map((line) =>
        line.startsWith('@end ') && line.includes('"rows":2,')
          ? line.replace(/"sum":"\d+"/, '"sum":"12345"')
          : line,
      ),
    );
    const target = await emptyDatabase();
    await expect(importTenant(file, target.url)).rejects.toBeInstanceOf(DamagedTenantArchiveError);
    await expect(importTenant(file, target.url)).rejects.toThrow(/do not match their fingerprint/);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });
});
