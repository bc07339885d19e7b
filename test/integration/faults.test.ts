import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { listening } from '../support/listening.ts';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';
import { migrateAllTenants, migratePublic } from '../../src-main/db/fan-out.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import { provisionOrganization } from '../../src-main/db/tenancy.ts';
import { openRuntime, type Runtime } from '../../src-main/runtime.ts';
import { adminHarness } from '../support/harness.ts';
import { recordFault } from '../support/tally.ts';

/* Faults injected into a running console on real PostgreSQL; each must be survived. */

const h = adminHarness('faults');

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
const schemas = async (like: string) =>
  (
    await h.db.sql<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [
      like,
    ])
  ).map((r) => r.nspname);

/** Calls agents.create while its backend waits on a lock, and kills that backend. */
async function createKilledMidRequest(organizationId: string) {
  const blocker = new pg.Client({ connectionString: h.db.url });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('select 1 from organizations where id = $1 for update', [organizationId]);
  const pending = h.call(h.admin(), 'agents.create', {
    organizationId,
    name: 'Interrupted',
    systemPrompt: 'p',
  });
  try {
    let victim: number | undefined;
    for (let i = 0; i < 500 && victim === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const rows = await blocker.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
      );
      victim = rows.rows[0]?.pid;
    }
    if (victim === undefined) {
      // say what the call was doing instead, so a failure here can be understood
      const activity = await blocker.query(
        'select state, wait_event_type, left(query, 60) as query from pg_stat_activity where datname = current_database()',
      );
      const early = await Promise.race([
        pending,
        new Promise((r) => setTimeout(() => r('still pending'), 100)),
      ]);
      expect.fail(
        `no backend waited on the lock; call: ${JSON.stringify(early)}; backends: ${JSON.stringify(activity.rows)}`,
      );
    }
    await blocker.query('select pg_terminate_backend($1)', [victim]);
  } finally {
    await blocker.query('rollback');
    await blocker.end();
  }
  return pending;
}

describe('a connection killed mid-request', () => {
  it('answers UNAVAILABLE for that call, and the next call succeeds', async () => {
    const org = await h.org('faults-kill');
    expect(codeOf(await createKilledMidRequest(org.id))).toBe('UNAVAILABLE');
    expect(
      codeOf(
        await h.call(h.admin(), 'agents.create', {
          organizationId: org.id,
          name: 'Next',
          systemPrompt: 'p',
        }),
      ),
    ).toBe('ok');
    expect(await h.db.sql('select name from "org_faults-kill".agents')).toEqual([{ name: 'Next' }]);
    recordFault('a connection killed mid-request');
  });

  // twelve kills: more than the pool's ten connections, so a leaked slot per kill would hang
  it('keeps answering after repeated kills', async () => {
    const org = await h.org('faults-many');
    for (let i = 0; i < 12; i++) {
      expect(codeOf(await createKilledMidRequest(org.id))).toBe('UNAVAILABLE');
      expect(
        codeOf(
          await h.call(h.admin(), 'agents.list', { organizationId: org.id, page: 1, pageSize: 5 }),
        ),
      ).toBe('ok');
    }
    // one scenario, repeated: counted once
    recordFault('connections killed mid-request, more times than the pool has connections');
  });
});

describe('provisioning interrupted at each step', () => {
  const failOn = async (tag: string, work: () => Promise<unknown>) => {
    await h.db
      .sql(`create or replace function fail_ddl() returns event_trigger language plpgsql as $$
      begin raise exception 'injected fault at %', tg_tag; end $$`);
    await h.db.sql(
      `create event trigger injected_fault on ddl_command_start when tag in ('${tag}') execute function fail_ddl()`,
    );
    try {
      await expect(work()).rejects.toThrow(/injected fault/);
    } finally {
      await h.db.sql('drop event trigger injected_fault');
    }
  };

  it('after the row is inserted (CREATE SCHEMA fails): no row, no schema', async () => {
    await failOn('CREATE SCHEMA', () =>
      h.db.orm.em
        .fork()
        .transactional((tx) =>
          provisionOrganization(tx, { name: 'Step one', slug: 'step-one', tier: 'free' }),
        ),
    );
    expect(await h.db.sql("select 1 from organizations where slug = 'step-one'")).toEqual([]);
    expect(await schemas('org_step-one')).toEqual([]);
    recordFault('provisioning interrupted at CREATE SCHEMA');
  });

  it('after the schema is created (the first table fails): no row, no schema', async () => {
    await failOn('CREATE TABLE', () =>
      h.db.orm.em
        .fork()
        .transactional((tx) =>
          provisionOrganization(tx, { name: 'Step two', slug: 'step-two', tier: 'free' }),
        ),
    );
    expect(await h.db.sql("select 1 from organizations where slug = 'step-two'")).toEqual([]);
    expect(await schemas('org_step-two')).toEqual([]);
    recordFault('provisioning interrupted at the first CREATE TABLE');
  });

  it('with a tenant migration half applied: no row, no schema', async () => {
    class HalfApplied extends Migration {
      override name = 'Migration29990101000000_half';
      override up(): void {
        this.addSql('create table half_done (id int)');
        this.addSql('select 1/0');
      }
    }
    await expect(
      h.db.orm.em
        .fork()
        .transactional((tx) =>
          provisionOrganization(tx, { name: 'Step three', slug: 'step-three', tier: 'free' }, [
            ...TENANT_MIGRATIONS,
            HalfApplied,
          ]),
        ),
    ).rejects.toThrow(/division by zero/);
    expect(await h.db.sql("select 1 from organizations where slug = 'step-three'")).toEqual([]);
    expect(await schemas('org_step-three')).toEqual([]);
    recordFault('provisioning with a tenant migration half applied');
  });
});

describe('organizations.create failing at commit, after its row, schema, audit row and NOTIFY', () => {
  it('leaves no row, schema, ledger, index or audit row, and nothing is heard', async () => {
    const { heard, listener } = await listening(h.db.url);
    // a deferred constraint trigger runs at COMMIT: after every statement of the channel
    await h.db.sql(`create function fail_at_commit() returns trigger language plpgsql as $$
      begin raise exception 'injected fault at commit'; end $$`);
    await h.db.sql(`create constraint trigger injected_commit_fault after insert on organizations
      deferrable initially deferred for each row when (new.slug = 'half-way')
      execute function fail_at_commit()`);
    try {
      const audits = await h.db.sql<{ n: number }>('select count(*)::int as n from audit_events');
      const result = await h.call(h.admin(), 'organizations.create', {
        name: 'Half way',
        slug: 'half-way',
        tier: 'free',
      });
      expect(codeOf(result)).not.toBe('ok');
      expect(h.errors.map(String).join('\n')).toContain('injected fault at commit');
      expect(await h.db.sql("select 1 from organizations where slug = 'half-way'")).toEqual([]);
      expect(await schemas('org_half-way')).toEqual([]);
      expect(
        await h.db.sql("select 1 from tenant_migrations where tenant_slug = 'half-way'"),
      ).toEqual([]);
      expect(
        await h.db.sql(
          'select 1 from agent_index where organization_id not in (select id from organizations)',
        ),
      ).toEqual([]);
      expect(await h.db.sql<{ n: number }>('select count(*)::int as n from audit_events')).toEqual(
        audits,
      );
      // changes are heard in commit order: once a later one is, the failed one never will be
      const after = await h.ok(h.admin(), 'organizations.create', {
        name: 'After',
        slug: 'after-half-way',
        tier: 'free',
      });
      await expect.poll(() => heard.some((c) => c.id === after.id)).toBe(true);
      expect(heard.filter((c) => c.id !== after.id && c.organizationId !== after.id)).toEqual([]);
    } finally {
      await h.db.sql('drop trigger injected_commit_fault on organizations');
      await h.db.sql('drop function fail_at_commit()');
      await listener.close();
    }
    recordFault('organizations.create failing at commit, after its NOTIFY was sent');
  });
});

describe('a tenant schema damaged by hand', () => {
  it('is reported in Tenancy, answers a clear error, and does not stop the others migrating', async () => {
    for (const slug of ['dmg-a', 'dmg-broken', 'dmg-c']) await h.org(slug);
    await h.db.sql('drop table "org_dmg-broken".agents cascade');
    class NextRelease extends Migration {
      override name = 'Migration29990101000002_next';
      override up(): void {
        this.addSql('alter table agents add column next_release boolean');
      }
    }
    const result = await migrateAllTenants(h.db.orm.em, {
      migrations: [...TENANT_MIGRATIONS, NextRelease],
    });
    h.router.tenantFailures.replace(result);
    expect(result.failed.map((f) => f.schema)).toContain('org_dmg-broken');
    expect(result.migrated).toBe(result.total - result.failed.length);

    const status = await h.ok(h.admin(), 'tenancy.status', {});
    const broken = status.find((t) => t.slug === 'dmg-broken');
    expect(broken?.problem).toBe('Missing tables: agents');
    expect(status.find((t) => t.slug === 'dmg-a')?.problem).toBeNull();

    const [org] = await h.db.sql<{ id: string }>(
      "select id from organizations where slug = 'dmg-broken'",
    );
    const list = await h.call(h.admin(), 'agents.list', {
      organizationId: org!.id,
      page: 1,
      pageSize: 10,
    });
    expect(list).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('org_dmg-broken') },
    });
    recordFault('a tenant schema damaged by hand');
  });
});

describe('the data directory', () => {
  it('gives a clear message, not a stack trace, when it cannot be used', async () => {
    const blocker = join(await mkdtemp(join(tmpdir(), 'fleetprompt-file-')), 'not-a-directory');
    await writeFile(blocker, 'a file where the data directory should be');
    const run = spawnSync(process.execPath, ['src-main/cli/migrate.ts'], {
      env: { ...process.env, FLEETPROMPT_HOME: join(blocker, 'home'), DATABASE_URL: h.db.url },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/The data directory .* cannot be used \(a file is in the way\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    recordFault('an unusable data directory');
  });
});

describe('the embedded PostgreSQL killed while the app runs', () => {
  let home: string;
  let runtime: Runtime;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'fleetprompt-crash-'));
    await chmod(home, 0o755);
    runtime = await openRuntime({ dataDir: home, env: {} });
  });
  afterAll(async () => {
    await runtime.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE, restarts it, and resumes with nothing lost', async () => {
    const slot = {};
    const r = runtime.router;
    const ok = async <T>(channel: string, input: unknown) => {
      const result = await r.dispatch(slot, channel, input);
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.data as T;
    };
    await ok('auth.createFirstAdmin', {
      organizationName: 'Crash Co',
      slug: 'crash-co',
      email: 'a@crash.test',
      name: 'A',
      password: 'crash-test-pw',
    });
    const org = (
      await ok<{ items: { id: string }[] }>('organizations.list', { page: 1, pageSize: 5 })
    ).items[0]!;
    for (const name of ['Before 1', 'Before 2'])
      await ok('agents.create', { organizationId: org.id, name, systemPrompt: 'p' });

    const pid = Number(
      (await readFile(join(home, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    // the whole cluster, as a crash takes it: a backend outlives its
    // postmaster's SIGKILL until it next looks, and could answer this call
    await gone(killCluster(pid));
    const during = await r.dispatch(slot, 'agents.list', {
      organizationId: org.id,
      page: 1,
      pageSize: 10,
    });
    expect(codeOf(during)).toBe('UNAVAILABLE');

    let after: Awaited<ReturnType<typeof r.dispatch>> = during;
    for (let i = 0; i < 150 && !after.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await r.dispatch(slot, 'agents.list', {
        organizationId: org.id,
        page: 1,
        pageSize: 10,
      });
    }
    expect(after).toMatchObject({ ok: true, data: { total: 2 } });
    await ok('agents.create', { organizationId: org.id, name: 'After', systemPrompt: 'p' });
    const names = (
      await ok<{ items: { name: string }[] }>('agents.list', {
        organizationId: org.id,
        page: 1,
        pageSize: 10,
      })
    ).items.map((a) => a.name);
    expect(names.sort()).toEqual(['After', 'Before 1', 'Before 2']);
    recordFault('the embedded PostgreSQL killed while the app runs');
  });
});

/**
 * SIGKILL to a postmaster and every process it started, at once and
 * synchronously (from inside the fan-out's progress callback): a machine
 * losing power, near enough. The postmaster is stopped first, so that it
 * forks no backend between the listing and the kill. Answers the pids.
 */
function killCluster(pid: number): number[] {
  process.kill(pid, 'SIGSTOP');
  const all = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // the parent pid is the second field after the parenthesised command name
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid)
      all.push(Number(entry));
  }
  for (const each of all) process.kill(each, 'SIGKILL');
  return all;
}

async function gone(pids: number[]): Promise<void> {
  const alive = (each: number) => {
    try {
      process.kill(each, 0);
      return readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  };
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 20));
}

describe('the server killed in the middle of a tenant fan-out', () => {
  it('leaves every tenant wholly at its old level or its new one, and a rerun finishes', async () => {
    const home = await mkdtemp(join(tmpdir(), 'fleetprompt-fan-kill-'));
    await chmod(home, 0o755);
    let server = await openEmbedded(home);
    let orm = await openOrm(server.url);
    try {
      await migratePublic(orm);
      const count = 150;
      for (let i = 0; i < count; i++)
        await orm.em
          .fork()
          .transactional((tx) =>
            provisionOrganization(tx, { name: `K ${i}`, slug: `k-${i}`, tier: 'free' }),
          );
      class KilledRelease extends Migration {
        override name = 'Migration29990101000003_killed_release';
        override up(): void {
          this.addSql('alter table agents add column killed_release text');
          this.addSql('create index agents_killed_release_idx on agents (killed_release)');
        }
      }
      const release = [...TENANT_MIGRATIONS, KilledRelease];
      const postmaster = Number(
        (await readFile(join(home, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      let killed: number[] = [];
      const first = await migrateAllTenants(orm.em, {
        migrations: release,
        onProgress: (p) => {
          if (killed.length === 0 && p.done >= 20) killed = killCluster(postmaster);
        },
      });
      expect(killed.length).toBeGreaterThan(1);
      expect(first.failed.length).toBeGreaterThan(0);
      await orm.close(true).catch(() => undefined);
      await gone(killed);
      // the console that started it went down with it, as on a power loss: its supervisor must
      // not start the server again under the next console's feet
      await server.stop();

      server = await openEmbedded(home);
      orm = await openOrm(server.url);
      const tenants = await orm.em
        .fork()
        .execute<{ slug: string; level: number }[]>(
          'select slug, tenant_schema_version as level from organizations order by slug',
        );
      for (const { slug, level } of tenants) {
        const [state] = await orm.em.fork().execute<{ ledger: string; column: string }[]>(
          `select (select count(*) from "org_${slug}".mikro_orm_migrations
                    where name = 'Migration29990101000003_killed_release') as ledger,
                  (select count(*) from information_schema.columns
                    where table_schema = 'org_${slug}' and column_name = 'killed_release') as column`,
        );
        const upgraded = level === release.length;
        expect(level === TENANT_MIGRATIONS.length || upgraded, `${slug} at ${level}`).toBe(true);
        expect({ slug, ledger: Number(state?.ledger), column: Number(state?.column) }).toEqual({
          slug,
          ledger: upgraded ? 1 : 0,
          column: upgraded ? 1 : 0,
        });
      }

      const rerun = await migrateAllTenants(orm.em, { migrations: release });
      expect(rerun.failed).toEqual([]);
      const [behind] = await orm.em
        .fork()
        .execute<{ n: string }[]>(
          'select count(*) as n from organizations where tenant_schema_version < ?',
          [release.length],
        );
      expect(Number(behind?.n)).toBe(0);
      recordFault('the server killed in the middle of a tenant fan-out');
    } finally {
      await orm.close(true).catch(() => undefined);
      await server.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});
