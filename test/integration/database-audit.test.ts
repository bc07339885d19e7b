import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maskUrl } from '../../src-main/db/connection.ts';
import { writeMarker } from '../../src-main/db/transfer/marker.ts';
import { adminHarness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

/*
 * Database work leaves one audit row per operation, failures included:
 * who (the signed-in user, or "command line"), the target with its
 * password masked, the outcome, and the counts where known. Through the
 * console's channels and through `npm run db:move`, `db:backup`,
 * `db:restore`.
 */
const h = adminHarness('db-audit');
const scratch: ScratchDatabase[] = [];
let folder = '';
let dataDir = '';

/** A server that refuses connections, named with a password that must never be shown. */
const REFUSING = 'postgres://someone:refused-s3cret@127.0.0.1:1/nowhere';

interface Row {
  actor_id: string | null;
  actor_label: string;
  organization_id: string | null;
  target_type: string;
  target_id: string | null;
  changes: Record<string, { from?: unknown; to: unknown }>;
}

async function rowsOf(action: string, url = h.db.url): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [log] = (
      await client.query<{ found: boolean }>(
        `select to_regclass('public.audit_events') is not null as found`,
      )
    ).rows;
    if (!log?.found) return [];
    return (
      await client.query<Row>(
        `select actor_id, actor_label, organization_id, target_type, target_id, changes
           from public.audit_events where action = $1 order by id`,
        [action],
      )
    ).rows;
  } finally {
    await client.end();
  }
}

/** The one row `work` added for `action` (failing the test on none or more). */
async function theRowOf(action: string, work: () => Promise<unknown>, url = h.db.url) {
  const before = (await rowsOf(action, url)).length;
  await work();
  const rows = await rowsOf(action, url);
  expect(rows).toHaveLength(before + 1);
  return rows.at(-1)!;
}

/** A value the row recorded (its `to`). */
const fact = (row: Row, name: string) => row.changes[name]?.to;

/** An empty database, named with a password (the server's own, or one a trusting server ignores). */
async function emptyDatabase(): Promise<{ url: string; password: string }> {
  const db = await createScratchDatabase(inject('serverUrl'), 'fp_audit');
  scratch.push(db);
  const url = new URL(db.url);
  if (!url.password) url.password = 'target-s3cret';
  return { url: url.toString(), password: decodeURIComponent(url.password) };
}

/** An empty database holding the start of a copy of the harness's database, as a cut-off move leaves it. */
async function unfinishedCopy(): Promise<{ url: string; password: string }> {
  const target = await emptyDatabase();
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await writeMarker(client, {
      source: maskUrl(h.db.url),
      startedAt: new Date().toISOString(),
      slugs: ['db-audit-home'],
      objectsBefore: [],
      appended: false,
    });
  } finally {
    await client.end();
  }
  return target;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-db-audit-'));
  dataDir = (await h.ok(h.admin(), 'settings.get', {})).dataDir;
});

afterAll(async () => {
  for (const db of scratch) await db.drop();
  await rm(folder, { recursive: true, force: true });
});

describe('database work through the console', () => {
  const adminLabel = 'admin@db-audit.test';

  it('records a move with its actor, the target masked and the counts', async () => {
    const target = await emptyDatabase();
    let report: { tenants: number; tables: number; rows: number } | undefined;
    const row = await theRowOf('database.move', async () => {
      report = await h.ok(h.admin(), 'database.move', { url: target.url });
    });
    expect(row).toMatchObject({
      actor_label: adminLabel,
      organization_id: null,
      target_type: 'database',
      target_id: maskUrl(target.url),
    });
    expect(row.actor_id).not.toBeNull();
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect(fact(row, 'from')).toBe(maskUrl(h.db.url));
    expect([fact(row, 'tenants'), fact(row, 'tables'), fact(row, 'rows')]).toEqual([
      report!.tenants,
      report!.tables,
      report!.rows,
    ]);
    expect(JSON.stringify(row)).not.toContain(target.password);
  });

  it('records a move to a server that refuses, with the reason and no password', async () => {
    const row = await theRowOf('database.move', async () => {
      const result = await h.call(h.admin(), 'database.move', { url: REFUSING });
      expect(result.ok).toBe(false);
    });
    expect(row).toMatchObject({ actor_label: adminLabel, target_id: maskUrl(REFUSING) });
    expect(fact(row, 'outcome')).toBe('failed');
    expect(fact(row, 'error')).toMatch(/Could not copy to that server/);
    expect(JSON.stringify(row)).not.toContain('refused-s3cret');
  });

  it('leaves the row of a move that meets its unfinished copy to the resume that finishes it', async () => {
    const target = await unfinishedCopy();
    const before = (await rowsOf('database.move')).length;
    const refused = await h.call(h.admin(), 'database.move', { url: target.url });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await rowsOf('database.move')).toHaveLength(before);
    const row = await theRowOf('database.move', () =>
      h.ok(h.admin(), 'database.move', { url: target.url, resume: true }),
    );
    expect(fact(row, 'outcome')).toBe('succeeded');
  });

  it('records a backup with its file and counts', async () => {
    let report: { file: string; tables: number; rows: number } | undefined;
    const row = await theRowOf('database.backup', async () => {
      report = await h.ok(h.admin(), 'database.backup', {});
    });
    expect(row).toMatchObject({
      actor_label: adminLabel,
      target_type: 'file',
      target_id: report!.file,
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect([fact(row, 'tables'), fact(row, 'rows')]).toEqual([report!.tables, report!.rows]);
  });

  it('records a backup that cannot be written', async () => {
    const backups = join(dataDir, 'backups');
    await rm(backups, { recursive: true, force: true });
    // a file where the folder should be: refused whoever runs the test (root too)
    await writeFile(backups, 'not a folder');
    try {
      const row = await theRowOf('database.backup', async () => {
        const result = await h.call(h.admin(), 'database.backup', {});
        expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      });
      expect(row.target_id).toMatch(/backups\/fleetprompt-.*\.fpbackup$/);
      expect(fact(row, 'outcome')).toBe('failed');
      expect(fact(row, 'error')).toMatch(/Could not write the backup/);
    } finally {
      await rm(backups, { force: true });
    }
  });

  it('records switching the database, the URL masked', async () => {
    const url = new URL(h.db.url);
    const password = url.password || 'switch-s3cret';
    url.password = password;
    const row = await theRowOf('settings.saveDatabase', () =>
      h.ok(h.admin(), 'settings.saveDatabase', { mode: 'url', url: url.toString() }),
    );
    expect(row).toMatchObject({
      actor_label: adminLabel,
      target_type: 'database',
      target_id: maskUrl(url.toString()),
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect(fact(row, 'database')).toBe(maskUrl(url.toString()));
    expect(JSON.stringify(row)).not.toContain(password);
    await h.ok(h.admin(), 'settings.saveDatabase', { mode: 'embedded' });
  });

  it('records a switch to a server that refuses, with the reason and no password', async () => {
    const row = await theRowOf('settings.saveDatabase', async () => {
      const result = await h.call(h.admin(), 'settings.saveDatabase', {
        mode: 'url',
        url: REFUSING,
      });
      expect(result.ok).toBe(false);
    });
    expect(row.target_id).toBe(maskUrl(REFUSING));
    expect(fact(row, 'outcome')).toBe('failed');
    expect(fact(row, 'error')).toMatch(/Could not connect/);
    expect(JSON.stringify(row)).not.toContain('refused-s3cret');
  });

  it('shows database work to administrators in the audit log, not to developers', async () => {
    await h.ok(h.admin(), 'database.backup', {});
    const developer = await h.user(h.homeId, 'developer', 'dev@db-audit.test');
    const asAdmin = await h.ok(h.admin(), 'audit.list', { page: 1, pageSize: 5 });
    expect(asAdmin.items[0]).toMatchObject({ action: 'database.backup', actorLabel: adminLabel });
    const asDeveloper = await h.ok(h.slotFor(developer.id), 'audit.list', {
      page: 1,
      pageSize: 200,
    });
    expect(asDeveloper.items.map((e) => e.action)).not.toContain('database.backup');
  });
});

/** Runs `npm run db:<command>` on the harness's database; its exit code and output. */
async function cli(script: string, ...args: string[]) {
  const home = await mkdtemp(join(folder, 'home-'));
  const child = spawn(process.execPath, [`src-main/cli/${script}.ts`, ...args], {
    env: { ...process.env, DATABASE_URL: h.db.url, FLEETPROMPT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('database work on the command line', () => {
  let archive = '';

  it('records a backup as "command line" in the database backed up', async () => {
    archive = join(folder, 'cli.fpbackup');
    const row = await theRowOf('database.backup', async () => {
      expect((await cli('backup', archive)).code).toBe(0);
    });
    expect(row).toMatchObject({
      actor_id: null,
      actor_label: 'command line',
      target_type: 'file',
      target_id: archive,
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect(fact(row, 'tables')).toBeGreaterThan(0);
    expect(fact(row, 'rows')).toBeGreaterThan(0);
  });

  it('records a backup to a path that cannot be written', async () => {
    const blocker = join(folder, 'a-file');
    await writeFile(blocker, 'not a folder');
    const file = join(blocker, 'x.fpbackup');
    const row = await theRowOf('database.backup', async () => {
      expect((await cli('backup', file)).code).toBe(1);
    });
    expect(row).toMatchObject({ actor_label: 'command line', target_id: file });
    expect(fact(row, 'outcome')).toBe('failed');
    expect(fact(row, 'error')).toMatch(/ENOTDIR|EEXIST/);
  });

  it('records a move in the database moved from, the target masked', async () => {
    const target = await emptyDatabase();
    const row = await theRowOf('database.move', async () => {
      expect((await cli('move', '--to', target.url)).code).toBe(0);
    });
    expect(row).toMatchObject({
      actor_label: 'command line',
      target_type: 'database',
      target_id: maskUrl(target.url),
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect(fact(row, 'tenants')).toBe(1);
    expect(fact(row, 'rows')).toBeGreaterThan(0);
    expect(JSON.stringify(row)).not.toContain(target.password);
  });

  it('records a move to a server that refuses, without its password', async () => {
    const row = await theRowOf('database.move', async () => {
      expect((await cli('move', '--to', REFUSING)).code).toBe(1);
    });
    expect(row.target_id).toBe(maskUrl(REFUSING));
    expect(fact(row, 'outcome')).toBe('failed');
    expect(fact(row, 'error')).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(row)).not.toContain('refused-s3cret');
  });

  it('leaves the row of a move that meets its unfinished copy to the --resume that finishes it', async () => {
    const target = await unfinishedCopy();
    const before = (await rowsOf('database.move')).length;
    const refused = await cli('move', '--to', target.url);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/no audit row written yet: .* holds an unfinished copy/);
    expect(await rowsOf('database.move')).toHaveLength(before);
    const row = await theRowOf('database.move', async () => {
      expect((await cli('move', '--to', target.url, '--resume')).code).toBe(0);
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
  });

  it('records the --rollback of a move’s unfinished copy as that move’s row', async () => {
    const target = await unfinishedCopy();
    const row = await theRowOf('database.move', async () => {
      expect((await cli('move', '--to', target.url, '--rollback')).code).toBe(0);
    });
    expect(row.target_id).toBe(maskUrl(target.url));
    expect(fact(row, 'rollback')).toBe(true);
    expect(fact(row, 'outcome')).toBe('succeeded');
  });

  it('records a restore in the database restored into', async () => {
    const target = await emptyDatabase();
    const row = await theRowOf(
      'database.restore',
      async () => {
        expect((await cli('restore', archive, '--to', target.url)).code).toBe(0);
      },
      target.url,
    );
    expect(row).toMatchObject({
      actor_label: 'command line',
      target_type: 'database',
      target_id: maskUrl(target.url),
    });
    expect(fact(row, 'outcome')).toBe('succeeded');
    expect(fact(row, 'file')).toBe(archive);
    expect(fact(row, 'tenants')).toBe(1);
  });

  it('records a refused restore in the database it was refused by', async () => {
    const row = await theRowOf('database.restore', async () => {
      const run = await cli('restore', archive, '--to', h.db.url);
      expect(run.code).toBe(1);
    });
    expect(fact(row, 'outcome')).toBe('failed');
    expect(fact(row, 'error')).toMatch(/FleetPrompt data/);
  });

  it('says why a damaged archive’s restore left no row: the empty target has no audit log', async () => {
    const damaged = join(folder, 'damaged.fpbackup');
    const text = gunzipSync(await readFile(archive)).toString('utf8');
    await writeFile(damaged, gzipSync(text.replace('Org db-audit-home', 'Org tampered')));
    const target = await emptyDatabase();
    const run = await cli('restore', damaged, '--to', target.url);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/no audit row could be written: .* has no audit log/);
    expect(run.output).not.toContain(target.password);
  });
});
