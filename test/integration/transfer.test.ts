import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DamagedArchiveError, type Manifest } from '../../src-main/db/transfer/archive.ts';
import { rollbackTransfer, TransferError } from '../../src-main/db/transfer/copy-into.ts';
import { UnfinishedTransferError } from '../../src-main/db/transfer/marker.ts';
import {
  backupBeforeMigrating,
  backupDatabase,
  moveDatabase,
  restoreArchive,
} from '../../src-main/db/transfer/operations.ts';
import { openRuntime } from '../../src-main/runtime.ts';
import { removeDataDir } from '../support/data-dir.ts';
import { adminHarness, createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { contents, hasFleetPromptObjects, query } from '../support/database-contents.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { secondConsole } from '../support/second-console.ts';
import { WEB_RESEARCH } from '../support/transfer-world.ts';

/*
 * Moving a console's database to another server, and backing it up and
 * restoring it: the copy holds every row of every table (hyphenated tenant
 * schemas, jsonb, text[], citext, bigint, timestamptz), users sign in on it,
 * an interrupted copy is resumed or rolled back, and a damaged or newer
 * archive writes nothing.
 */
const h = adminHarness('transfer');
const scratch: ScratchDatabase[] = [];
const harnesses: Harness[] = [];
let folder = '';

async function emptyDatabase(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(inject('serverUrl'), 'fp_move');
  scratch.push(db);
  return db;
}

/** Whether the source's developer signs in with their password on a console opened on `url`. */
async function signsIn(url: string): Promise<boolean> {
  const home = await mkdtemp(join(folder, 'console-'));
  const runtime = await openRuntime({ env: { DATABASE_URL: url }, dataDir: home });
  try {
    const result = await runtime.router.dispatch({}, 'auth.signIn', {
      email: 'dev.person@acme-co.test',
      password: PASSWORD,
    });
    return result.ok;
  } finally {
    await runtime.close();
  }
}

/** Rewrites a backup's manifest (its second line) by hand; the rows and their checksums stay. */
async function editManifest(file: string, edit: (manifest: Manifest) => void): Promise<void> {
  const [magic, manifest, ...rest] = gunzipSync(await readFile(file))
    .toString('utf8')
    .split('\n');
  const parsed = JSON.parse(manifest ?? '') as Manifest;
  edit(parsed);
  await writeFile(file, gzipSync([magic, JSON.stringify(parsed), ...rest].join('\n')));
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-transfer-'));
  const admin = h.admin();
  const acme = await h.ok(admin, 'organizations.create', {
    name: 'Acme Co',
    slug: 'acme-co',
    tier: 'pro',
  });
  await h.org('x-1-y', 'free');
  await h.user(acme.id, 'developer', 'Dev.Person@Acme-Co.test');
  const skill = await h.ok(admin, 'skills.create', WEB_RESEARCH);
  const agent = await h.ok(admin, 'agents.create', {
    organizationId: acme.id,
    name: 'Researcher ✓',
    systemPrompt: 'Line one\nline two\\with backslash',
    config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2, extra: { a: [1] } },
  });
  await h.ok(admin, 'agents.attachSkill', {
    organizationId: acme.id,
    agentId: agent.id,
    skillId: skill.id,
  });
  await h.ok(admin, 'agents.transition', {
    organizationId: acme.id,
    id: agent.id,
    version: agent.version,
    event: 'deploy',
  });
  await h.db.sql(
    `update "org_acme-co".agents set total_tokens_used = 9007199254740993, avg_latency_ms = null`,
  );
  // what the form refuses, the copy must carry all the same: quotes, commas, tabs, NULL-looking text
  await h.db.sql(
    `update skills set tools = array['search', 'with "quotes"', E'tab\\there', 'comma,inside', 'NULL', '\\N']
      where id = $1`,
    [skill.id],
  );
});

afterAll(async () => {
  for (const db of scratch) await db.drop();
  for (const other of harnesses) await other.close();
  await rm(folder, { recursive: true, force: true });
});

describe('moving to another server', () => {
  it('copies every table, row for row, and leaves no marker', async () => {
    const target = await emptyDatabase();
    const report = await moveDatabase(h.db.url, target.url);
    expect(report.tenants).toBe(3);
    expect(await contents(target.url)).toEqual(await contents(h.db.url));
    const [marker] = await query<{ found: boolean }>(
      target.url,
      `select to_regclass('public.fleetprompt_transfer') is not null as found`,
    );
    expect(marker?.found).toBe(false);
  });

  it('lets the users sign in on the copy with their passwords', async () => {
    const target = await emptyDatabase();
    await moveDatabase(h.db.url, target.url);
    expect(await signsIn(target.url)).toBe(true);
  });

  it('refuses to move a database onto itself, however its URL is written', async () => {
    const before = await contents(h.db.url);
    const other = new URL(h.db.url);
    other.username = 'someone-else';
    await expect(moveDatabase(h.db.url, other.toString())).rejects.toThrow(
      /the database being moved/,
    );
    expect(await contents(h.db.url)).toEqual(before);
  });

  it('refuses a target that already holds FleetPrompt data, and changes nothing there', async () => {
    const target = await emptyDatabase();
    await moveDatabase(h.db.url, target.url);
    const before = await contents(target.url);
    await expect(moveDatabase(h.db.url, target.url)).rejects.toThrow(TransferError);
    expect(await contents(target.url)).toEqual(before);
  });

  it('resumes a copy interrupted half-way, which the console refuses to open until then', async () => {
    const target = await emptyDatabase();
    let seen = 0;
    await expect(
      moveDatabase(h.db.url, target.url, {
        onProgress: (p) => {
          if (p.phase === 'copying' && p.tenantsDone === 1 && ++seen === 1)
            throw new Error('cut off');
        },
      }),
    ).rejects.toThrow('cut off');
    const home = await mkdtemp(join(folder, 'home-'));
    await expect(openRuntime({ env: { DATABASE_URL: target.url }, dataDir: home })).rejects.toThrow(
      UnfinishedTransferError,
    );
    await expect(moveDatabase(h.db.url, target.url)).rejects.toThrow(UnfinishedTransferError);

    await moveDatabase(h.db.url, target.url, { resume: true });
    expect(await contents(target.url)).toEqual(await contents(h.db.url));
  });

  it('rolls an interrupted copy back to the empty database it was', async () => {
    const target = await emptyDatabase();
    await expect(
      moveDatabase(h.db.url, target.url, {
        onProgress: (p) => {
          if (p.phase === 'copying' && p.tenantsDone === 2) throw new Error('cut off');
        },
      }),
    ).rejects.toThrow('cut off');
    const rolledBack = await rollbackTransfer(target.url);
    expect(rolledBack.schemas).toBe(2);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
    const [extensions] = await query<{ n: number }>(
      target.url,
      `select count(*)::int as n from pg_extension where extname in ('citext', 'pg_trgm')`,
    );
    expect(extensions?.n).toBe(0);
  });
});

it('sends the progress of a move to administrators only', async () => {
  const developer = await h.user(h.homeId, 'developer', 'dev@transfer-progress.test');
  const progress = {
    type: 'transfer-progress',
    phase: 'copying',
    tenantsDone: 1,
    tenantsTotal: 2,
    rows: 10,
    elapsedMs: 5,
  } as const;
  expect(await h.router.mayReceive(h.admin(), progress)).toBe(true);
  expect(await h.router.mayReceive(h.slotFor(developer.id), progress)).toBe(false);
  expect(await h.router.mayReceive({}, progress)).toBe(false);
});

describe('a move whose verification finds a difference', () => {
  it('refuses when the source was written to during the copy, and leaves the copy unfinished', async () => {
    const target = await emptyDatabase();
    const [skill] = await h.db.sql<{ id: string; description: string | null }>(
      'select id, description from skills order by slug limit 1',
    );
    let written = false;
    try {
      await expect(
        moveDatabase(h.db.url, target.url, {
          onProgress: (p) => {
            // the copy reads one snapshot, taken before this: the write lands in the source only
            if (p.phase === 'copying' && !written) {
              written = true;
              sqlNow(
                h.db.url,
                `update skills set description = 'written during the copy' where id = '${skill?.id}'`,
              );
            }
          },
        }),
      ).rejects.toThrow(/The copy differs from the source in 1 table\(s\): public\.skills /);
    } finally {
      await h.db.sql('update skills set description = $2 where id = $1', [
        skill?.id,
        skill?.description,
      ]);
    }
    await expect(moveDatabase(h.db.url, target.url)).rejects.toThrow(UnfinishedTransferError);
    await rollbackTransfer(target.url);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('refuses when a row of the target was altered before verification', async () => {
    const target = await emptyDatabase();
    await expect(
      moveDatabase(h.db.url, target.url, {
        onProgress: (p) => {
          if (p.phase === 'verifying')
            sqlNow(
              target.url,
              "update public.skills set description = 'altered on the target' where ctid = (select min(ctid) from public.skills)",
            );
        },
      }),
    ).rejects.toThrow(
      /The copy differs from the source in 1 table\(s\): public\.skills \(source \d+ rows, target \d+\)/,
    );
    await expect(moveDatabase(h.db.url, target.url)).rejects.toThrow(UnfinishedTransferError);
  });
});

describe('a move that loses a connection half-way', () => {
  it.each([
    [
      'the source',
      () => h.db.url,
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'idle in transaction'",
    ],
    [
      'the target',
      (target: string) => target,
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    ],
  ])(
    'fails with the connection named, leaves %s copy unfinished, not complete, and is resumed',
    async (_which, database, terminate) => {
      const target = await emptyDatabase();
      let cut = false;
      await expect(
        moveDatabase(h.db.url, target.url, {
          onProgress: (p) => {
            if (p.phase === 'copying' && p.tenantsDone === 1 && !cut) {
              cut = true;
              sqlNow(database(target.url), terminate);
            }
          },
        }),
      ).rejects.toThrow(/terminat|connection/i);
      expect(cut).toBe(true);
      await expect(moveDatabase(h.db.url, target.url)).rejects.toThrow(UnfinishedTransferError);
      await moveDatabase(h.db.url, target.url, { resume: true });
      expect(await contents(target.url)).toEqual(await contents(h.db.url));
    },
  );
});

describe('a move from Settings that loses its source connection half-way', () => {
  it('answers UNAVAILABLE saying the copy is unfinished and how to finish it', async () => {
    const target = await emptyDatabase();
    const admin = await h.user(h.homeId, 'admin', 'mover@transfer.test');
    let cut = false;
    const console = await secondConsole(h.db, {
      emit: (event) => {
        if (event.type === 'transfer-progress' && event.phase === 'copying' && !cut) {
          cut = true;
          sqlNow(
            h.db.url,
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'idle in transaction'",
          );
        }
      },
    });
    try {
      const slot = await console.slotFor(admin);
      const result = await console.router.dispatch(slot, 'database.move', { url: target.url });
      expect(cut).toBe(true);
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'UNAVAILABLE',
          message: expect.stringMatching(
            /^A database connection was lost during the move \(.+\)\. The target holds an unfinished copy: move again with resume/,
          ),
        },
      });
      const resumed = await console.router.dispatch(slot, 'database.move', {
        url: target.url,
        resume: true,
      });
      expect(resumed.ok).toBe(true);
    } finally {
      await console.close();
    }
  });
});

describe('moving into a database that holds other FleetPrompt data (--into-existing)', () => {
  /** Another console's database: its own organization, administrator and audit events. */
  async function otherConsole(slug: string, email: string) {
    const other = await createHarness();
    harnesses.push(other);
    const org = await other.org(slug, 'pro');
    await other.user(org.id, 'admin', email);
    return other;
  }

  it('adds every organization, user, skill, agent and audit event beside the target’s own', async () => {
    const other = await otherConsole('their-org', 'admin@their-org.test');
    const before = await contents(other.db.url);
    const [sourceAudit] = await query<{ n: number }>(
      h.db.url,
      'select count(*)::int as n from audit_events',
    );
    const [targetAudit] = await query<{ n: number }>(
      other.db.url,
      'select count(*)::int as n from audit_events',
    );
    await expect(moveDatabase(h.db.url, other.db.url)).rejects.toThrow(/--into-existing/);

    await moveDatabase(h.db.url, other.db.url, { intoExisting: true });
    const after = await contents(other.db.url);
    const source = await contents(h.db.url);
    expect(after['"org_their-org".agents']).toBe(before['"org_their-org".agents']);
    expect(after['"org_acme-co".agents']).toBe(source['"org_acme-co".agents']);
    const [audit] = await query<{ n: number; ids: number }>(
      other.db.url,
      'select count(*)::int as n, count(distinct id)::int as ids from audit_events',
    );
    expect(audit).toEqual({
      n: sourceAudit!.n + targetAudit!.n,
      ids: sourceAudit!.n + targetAudit!.n,
    });
    const [orgs] = await query<{ n: number }>(
      other.db.url,
      'select count(*)::int as n from organizations',
    );
    expect(orgs?.n).toBe(4);
  });

  it('refuses rows whose keys the target already has, naming them, and adds nothing', async () => {
    const other = await otherConsole('clash-org', 'dev.person@acme-co.test');
    const before = await contents(other.db.url);
    await expect(moveDatabase(h.db.url, other.db.url, { intoExisting: true })).rejects.toThrow(
      /1 in users \(email\)/,
    );
    expect(await contents(other.db.url)).toEqual(before);
  });

  it('rolls an interrupted addition back to the target’s own data', async () => {
    const other = await otherConsole('kept-org', 'admin@kept-org.test');
    const before = await contents(other.db.url);
    await expect(
      moveDatabase(h.db.url, other.db.url, {
        intoExisting: true,
        onProgress: (p) => {
          if (p.phase === 'copying' && p.tenantsDone === 2) throw new Error('cut off');
        },
      }),
    ).rejects.toThrow('cut off');
    await rollbackTransfer(other.db.url);
    expect(await contents(other.db.url)).toEqual(before);
  });
});

describe('backup and restore', () => {
  it('restores a backup into an empty database equal to the source, where users sign in', async () => {
    const file = join(folder, 'equal.fpbackup');
    const backup = await backupDatabase(h.db.url, file);
    expect(backup.bytes).toBeGreaterThan(0);
    const target = await emptyDatabase();
    await restoreArchive(file, target.url);
    expect(await contents(target.url)).toEqual(await contents(h.db.url));
    expect(await signsIn(target.url)).toBe(true);
  });

  it('backs the embedded database up before start-up migrates it, and says where (log, Settings, audit log)', async () => {
    const home = await mkdtemp(join(folder, 'embedded-'));
    await chmod(home, 0o755);
    // as root its cluster lives outside `folder`, which the postgres user cannot enter
    onTestFinished(() => removeDataDir(home));
    const first = await openRuntime({ dataDir: home, env: {} });
    try {
      expect(first.backup).toBeNull();
      await first.router.system('organizations.create', {
        name: 'Behind',
        slug: 'behind-co',
        tier: 'free',
      });
      // a tenant one migration behind, as after an upgrade of the app
      await first.orm.em
        .fork()
        .execute("update organizations set tenant_schema_version = 1 where slug = 'behind-co'");
    } finally {
      await first.close();
    }
    const second = await openRuntime({ dataDir: home, env: {} });
    try {
      expect(second.backup).toMatch(/backups\/before-migration-.*\.fpbackup$/);
      expect(await readdir(join(home, 'backups'))).toHaveLength(1);
      const log = await readFile(join(home, 'logs', 'fleetprompt.log'), 'utf8');
      expect(log).toContain(`backed up the database before migrating it: ${second.backup}`);
      const settings = await second.router.system('settings.get', {});
      expect(settings.startupBackup).toBe(second.backup);
      const audit = await second.orm.em
        .fork()
        .execute<{ actor_label: string; target_id: string; changes: object }[]>(
          "select actor_label, target_id, changes from audit_events where action = 'database.backup'",
        );
      expect(audit).toEqual([
        {
          actor_label: 'system',
          target_id: second.backup,
          changes: expect.objectContaining({ outcome: { to: 'succeeded' } }),
        },
      ]);
    } finally {
      await second.close();
    }
  });

  it('stops a start-up whose backup fails, saying why and how to go on, and migrates nothing until told to skip it', async () => {
    const home = await mkdtemp(join(folder, 'embedded-'));
    await chmod(home, 0o755);
    onTestFinished(() => removeDataDir(home));
    const first = await openRuntime({ dataDir: home, env: {} });
    try {
      await first.router.system('organizations.create', {
        name: 'Behind',
        slug: 'behind-co',
        tier: 'free',
      });
      await first.orm.em
        .fork()
        .execute("update organizations set tenant_schema_version = 1 where slug = 'behind-co'");
    } finally {
      await first.close();
    }
    // where the backups go is a file: the backup cannot be written
    await writeFile(join(home, 'backups'), 'in the way');
    await expect(openRuntime({ dataDir: home, env: {} })).rejects.toThrow(
      /^Could not back up the database before migrating it \(.+\)\. Nothing was migrated: the database is as it was\. .*`npm run db:migrate -- --skip-backup`/,
    );
    const skipped = await openRuntime({ dataDir: home, env: {}, skipBackup: true });
    try {
      expect(skipped.backup).toBeNull();
      expect(skipped.startup).toMatchObject({ total: 1, migrated: 1 });
      const log = await readFile(join(home, 'logs', 'fleetprompt.log'), 'utf8');
      expect(log).toContain('migrating the database without a backup, as the operator confirmed');
    } finally {
      await skipped.close();
    }
  });

  it('asks for the confirmation of --skip-backup on a terminal, and migrates nothing without one', () => {
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../../src-main/cli/migrate.ts'), '--skip-backup'],
      {
        input: 'migrate without a backup\n',
        encoding: 'utf8',
        env: { ...process.env, FLEETPROMPT_HOME: folder },
      },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--skip-backup asks for a confirmation: run it in a terminal.');
  });

  it('keeps the last three automatic backups taken before migrations', async () => {
    const dataDir = await mkdtemp(join(folder, 'auto-'));
    const files = [];
    for (let i = 0; i < 4; i++) {
      files.push(await backupBeforeMigrating(h.db.url, dataDir));
      await new Promise((r) => setTimeout(r, 2));
    }
    const kept = (await readdir(join(dataDir, 'backups'))).sort();
    expect(kept).toEqual(files.slice(1).map((f) => f.split('/').at(-1)));
  });

  it('refuses a damaged archive with a clear message and writes nothing', async () => {
    const file = join(folder, 'damaged.fpbackup');
    await backupDatabase(h.db.url, file);
    const text = gunzipSync(await readFile(file)).toString('utf8');
    await writeFile(file, gzipSync(text.replace('Researcher ✓', 'Researcher X')));
    const target = await emptyDatabase();
    await expect(restoreArchive(file, target.url)).rejects.toThrow(DamagedArchiveError);
    await expect(restoreArchive(file, target.url)).rejects.toThrow(/do not match their checksum/);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('refuses an archive cut short', async () => {
    const file = join(folder, 'cut.fpbackup');
    await backupDatabase(h.db.url, file);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const target = await emptyDatabase();
    await expect(restoreArchive(file, target.url)).rejects.toThrow(DamagedArchiveError);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('refuses an archive whose manifest names a tenant that is not a slug', async () => {
    const file = join(folder, 'hostile.fpbackup');
    await backupDatabase(h.db.url, file);
    await editManifest(file, (m) => {
      m.description.tenants[0]!.slug = 'x"; drop schema public cascade; --';
    });
    const target = await emptyDatabase();
    await expect(restoreArchive(file, target.url)).rejects.toThrow(/manifest cannot be read/);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('refuses an archive made by a newer FleetPrompt', async () => {
    const file = join(folder, 'newer.fpbackup');
    await backupDatabase(h.db.url, file);
    await editManifest(file, (m) => {
      m.description.publicMigrations.push('Migration20991231000001_future');
    });
    const target = await emptyDatabase();
    await expect(restoreArchive(file, target.url)).rejects.toThrow(/newer version/);
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });
});

/**
 * Runs one statement on `url` and waits for it to finish, from inside a
 * synchronous progress callback (a child process, so the copy is paused meanwhile).
 */
function sqlNow(url: string, sql: string): void {
  const script = `import pg from 'pg';
    const client = new pg.Client({ connectionString: process.env.SQL_URL });
    await client.connect();
    await client.query(process.env.SQL_TEXT);
    await client.end();`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, SQL_URL: url, SQL_TEXT: sql },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`SQL on ${url} failed: ${run.stderr}`);
}
