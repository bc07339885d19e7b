import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabaseTarget } from '../../src-main/db/connection.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import {
  backupDatabase,
  moveDatabase,
  restoreArchive,
} from '../../src-main/db/transfer/operations.ts';
import { adminHarness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

/*
 * Database URLs are secrets (issue 31): a password written in any form the
 * driver reads — `user:pass@`, `?password=`, `sslpassword=`, a percent-encoded
 * name or value, a name in mixed case — never comes back in a channel's
 * answer or error, an archive's manifest or the transfer marker a copy
 * leaves in its target. And a URL from the page may not name a file or a
 * socket of the console's machine.
 */
const h = adminHarness('database-urls');
const scratch: ScratchDatabase[] = [];
let folder = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-urls-'));
  await h.org('url-co');
});
afterAll(async () => {
  for (const db of scratch) await db.drop();
  await rm(folder, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(inject('serverUrl'), 'fp_urls');
  scratch.push(db);
  return db;
}

interface Written {
  form: string;
  url: string;
  /** Every secret the URL holds, as written and as decoded. */
  secrets: string[];
}

const percentEncoded = (text: string) =>
  [...new TextEncoder().encode(text)]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');

/**
 * `base` (a URL that connects) with a password in each form, still
 * connecting: the server's real password where the driver reads it from
 * there, or a stand-in where the server asks for none.
 */
function everyForm(base: string, tag: string): Written[] {
  const real = decodeURIComponent(new URL(base).password);
  const withPassword = (password: string) => {
    const url = new URL(base);
    url.password = encodeURIComponent(password);
    return url.toString();
  };
  const withoutPassword = () => {
    const url = new URL(base);
    url.password = '';
    return url.toString();
  };
  const driversPassword = real || `${tag}-trust-password`;
  const authority = withPassword(driversPassword);
  const also = real ? [real, encodeURIComponent(real)] : [];
  return [
    { form: 'user:pass@', url: authority, secrets: [driversPassword] },
    {
      form: '?password=',
      url: `${withoutPassword()}?password=${encodeURIComponent(driversPassword)}`,
      secrets: [driversPassword],
    },
    {
      form: 'sslpassword=',
      url: `${authority}?sslpassword=${tag}-ssl-secret`,
      secrets: [`${tag}-ssl-secret`, ...also],
    },
    {
      form: 'percent-encoded',
      url: `${withoutPassword()}?pass%77ord=${percentEncoded(driversPassword)}`,
      secrets: [driversPassword, percentEncoded(driversPassword)],
    },
    {
      form: 'mixed-case name',
      url: `${authority}?sslmode=disable&PassWord=${tag}-mixed-secret`,
      secrets: [`${tag}-mixed-secret`, ...also],
    },
  ];
}

function expectHidden(text: string, written: Written, where: string): void {
  for (const secret of written.secrets)
    expect(text, `${where} holds the ${written.form} password`).not.toContain(secret);
}

async function markerSource(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ source: string }>(
      `select marker->>'source' as source from public.fleetprompt_transfer`,
    );
    return rows[0]?.source ?? '(no marker)';
  } finally {
    await client.end();
  }
}

const cutOff = {
  onProgress: (p: { phase: string }) => {
    if (p.phase === 'copying') throw new Error('cut off');
  },
};

describe('passwords in database URLs', () => {
  it('never come back from settings.saveDatabase or settings.get, while the saved URL still connects', async () => {
    for (const written of everyForm(h.db.url, 'saved')) {
      const saved = await h.call(h.admin(), 'settings.saveDatabase', {
        mode: 'url',
        url: written.url,
      });
      expect(saved.ok, written.form).toBe(true);
      expectHidden(JSON.stringify(saved), written, 'settings.saveDatabase');
      expectHidden(
        JSON.stringify(await h.call(h.admin(), 'settings.get', {})),
        written,
        'settings.get',
      );
      const dataDir = (await h.ok(h.admin(), 'settings.get', {})).dataDir;
      const target = await openDatabaseTarget({ dataDir, env: {} });
      expect(target.url, 'the saved URL is kept whole').toBe(written.url);
      expect((await stat(join(dataDir, 'settings.json'))).mode & 0o777).toBe(0o600);
    }
    await h.ok(h.admin(), 'settings.saveDatabase', { mode: 'embedded' });
  });

  it('still connect the console’s own pool, which reads every parameter as the driver does', async () => {
    for (const written of everyForm(h.db.url, 'pooled')) {
      const orm = await openOrm(
        `${written.url}${written.url.includes('?') ? '&' : '?'}application_name=fp-pooled`,
      );
      try {
        const [row] = await orm.em
          .getConnection()
          .execute<{ name: string }[]>(`select current_setting('application_name') as name`);
        expect(row?.name, written.form).toBe('fp-pooled');
      } finally {
        await orm.close(true);
      }
    }
  });

  it('never come back in database.move’s answer', async () => {
    for (const [i, { form }] of everyForm(h.db.url, 'moved').entries()) {
      const target = await emptyDatabase();
      const written = everyForm(target.url, 'moved')[i]!;
      const moved = await h.call(h.admin(), 'database.move', { url: written.url });
      expect(moved.ok, form).toBe(true);
      expectHidden(JSON.stringify(moved), written, 'database.move');
    }
  });

  it('never come back in database.move’s refusal, even from a marker an older version left', async () => {
    const target = await emptyDatabase();
    const [written] = everyForm(target.url, 'marker').slice(1);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      // written by hand: this version masks the source before it writes a marker
      await client.query('create table public.fleetprompt_transfer (marker jsonb not null)');
      await client.query('create table public.fleetprompt_transfer_done (step text)');
      await client.query('insert into public.fleetprompt_transfer values ($1)', [
        { source: written!.url, startedAt: '', slugs: [], objectsBefore: [], appended: false },
      ]);
    } finally {
      await client.end();
    }
    const moved = await h.call(h.admin(), 'database.move', { url: target.url });
    expect(moved).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expectHidden(JSON.stringify(moved), written!, 'database.move’s refusal');
  });

  it('are hidden in a backup’s manifest', async () => {
    for (const [i, written] of everyForm(h.db.url, 'archived').entries()) {
      const file = join(folder, `backup-${i}.fpbackup`);
      await backupDatabase(written.url, file);
      const manifest =
        gunzipSync(await readFile(file))
          .toString('utf8')
          .split('\n')[1] ?? '';
      expect(manifest).toContain('"source":"postgres');
      expectHidden(manifest, written, 'the manifest');
    }
  });

  it('are hidden in the transfer marker a move leaves in its target', async () => {
    for (const written of everyForm(h.db.url, 'moving')) {
      const target = await emptyDatabase();
      await expect(moveDatabase(written.url, target.url, cutOff)).rejects.toThrow('cut off');
      const source = await markerSource(target.url);
      expect(source).toMatch(/^postgres/);
      expectHidden(source, written, 'the marker');
    }
  });

  it('are hidden in the marker a restore leaves, even when an older archive named them', async () => {
    const file = join(folder, 'older.fpbackup');
    await backupDatabase(h.db.url, file);
    for (const written of everyForm(h.db.url, 'restoring')) {
      const [magic, manifest, ...rest] = gunzipSync(await readFile(file))
        .toString('utf8')
        .split('\n');
      const edited = { ...(JSON.parse(manifest ?? '') as object), source: written.url };
      const older = join(folder, 'older-edited.fpbackup');
      await writeFile(older, gzipSync([magic, JSON.stringify(edited), ...rest].join('\n')));
      const target = await emptyDatabase();
      await expect(restoreArchive(older, target.url, cutOff)).rejects.toThrow('cut off');
      expectHidden(await markerSource(target.url), written, 'the marker');
    }
  });
});

/** Runs one of the `npm run db:*` commands as the operator would, answering what it printed. */
async function command(script: string, args: string[], databaseUrl: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, FLEETPROMPT_HOME: folder },
  });
  return `${stdout}${stderr}`;
}

describe('the command line', () => {
  it('prints no password in db:backup and db:move, whatever their form', async () => {
    for (const [i, written] of everyForm(h.db.url, 'printed').entries()) {
      const backup = join(folder, `printed-${i}.fpbackup`);
      const printed = await command('src-main/cli/backup.ts', [backup], written.url);
      expect(printed).toMatch(/^backed up postgres/);
      expectHidden(printed, written, 'db:backup’s output');
    }
    for (const [i, { form }] of everyForm(h.db.url, 'printed').entries()) {
      const target = await emptyDatabase();
      const written = everyForm(target.url, 'printed')[i]!;
      const printed = await command('src-main/cli/move.ts', ['--to', written.url], h.db.url);
      expect(printed, form).toMatch(/moved and verified/);
      expectHidden(printed, written, 'db:move’s output');
    }
  });
});

describe('a database URL from the page', () => {
  const refused: [string, string, RegExp][] = [
    ['sslrootcert', '?sslrootcert=/etc/hostname', /sslrootcert/],
    ['sslrootcert of a file that is not there', '?sslrootcert=/no/such/file', /sslrootcert/],
    ['sslcert', '?sslcert=/etc/hostname', /sslcert/],
    ['sslkey', '?sslkey=/etc/hostname', /sslkey/],
    ['sslcrl', '?sslcrl=/etc/hostname', /sslcrl/],
    ['a percent-encoded file parameter', '?ssl%72ootcert=/etc/hostname', /sslrootcert/],
    ['a file parameter in mixed case', '?SSLRootCert=/etc/hostname', /SSLRootCert/],
    ['options', '?options=-c%20statement_timeout%3D1', /options/],
    ['a host= that is a socket directory', '?host=/var/run/postgresql', /socket/],
    ['a percent-encoded socket host', '?host=%2Ftmp', /socket/],
  ];

  it.each(refused)(
    'naming %s is refused with a field error that says why',
    async (_, query, why) => {
      const result = await h.call(h.admin(), 'settings.testDatabase', {
        url: `${h.db.url}${query}`,
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(result.ok ? '' : (result.error.fields?.url ?? '')).toMatch(why);
    },
  );

  it('gives the same answer whether the file it names exists or not', async () => {
    const [there, absent] = await Promise.all(
      ['/etc/hostname', '/no/such/file'].map((file) =>
        h.call(h.admin(), 'settings.testDatabase', { url: `${h.db.url}?sslrootcert=${file}` }),
      ),
    );
    expect(there).toEqual(absent);
  });

  it('naming a socket as its host is refused, however the host is written', async () => {
    for (const url of [
      'postgres://%2Fvar%2Frun%2Fpostgresql/postgres',
      'postgres://user@/postgres',
    ]) {
      const result = await h.call(h.admin(), 'settings.testDatabase', { url });
      expect(result.ok ? '' : (result.error.fields?.url ?? ''), url).toMatch(
        /must name a server by host name or address/,
      );
    }
  });

  it('naming a file is refused by settings.saveDatabase and database.move too, and nothing is saved', async () => {
    const url = `${h.db.url}?sslrootcert=/etc/hostname`;
    const saved = await h.call(h.admin(), 'settings.saveDatabase', { mode: 'url', url });
    const moved = await h.call(h.admin(), 'database.move', { url });
    for (const result of [saved, moved])
      expect(result.ok ? '' : (result.error.fields?.url ?? '')).toMatch(/sslrootcert/);
    expect((await h.ok(h.admin(), 'settings.get', {})).database).toEqual({
      mode: 'embedded',
      url: null,
    });
  });

  it('naming a FIFO is answered at once, while another window’s calls are answered meanwhile', async () => {
    const fifo = join(folder, 'ca.fifo');
    execFileSync('mkfifo', [fifo]);
    // frees a reader blocked on the FIFO after three seconds (it blocks itself until one opens it)
    const release: ChildProcess = spawn('sh', ['-c', `sleep 3; exec 3>"${fifo}"; echo x >&3`], {
      stdio: 'ignore',
    });
    try {
      const started = performance.now();
      const answeredAfter = <T>(call: Promise<T>) =>
        call.then((result) => ({ result, ms: performance.now() - started }));
      const [window1, window2] = [h.admin(), h.admin()];
      const tested = answeredAfter(
        h.call(window1, 'settings.testDatabase', {
          url: `${h.db.url}?sslmode=verify-full&sslrootcert=${fifo}`,
        }),
      );
      const other = answeredAfter(h.call(window2, 'organizations.list', { page: 1, pageSize: 10 }));
      const [fifoAnswer, otherAnswer] = await Promise.all([tested, other]);
      // both answered well before the FIFO was released: nothing waited on it
      expect(otherAnswer.ms).toBeLessThan(2_000);
      expect(fifoAnswer.ms).toBeLessThan(2_000);
      expect(otherAnswer.result.ok).toBe(true);
      expect(fifoAnswer.result).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', fields: { url: expect.stringMatching(/sslrootcert/) } },
      });
    } finally {
      release.kill();
    }
  });
});
