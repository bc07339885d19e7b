import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { directoryTarget, type FileTarget } from '../../src-main/files/file-target.ts';
import { csvLines } from '../../src-main/services/csv-export.ts';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('csv');

/**
 * A file target whose file takes chunk `n` (the header is the first, then a
 * page each) only once `meanwhile` has settled: the export is paused there,
 * its pages after that still to be read.
 */
function pausedAtChunk(inner: FileTarget, n: number, meanwhile: () => Promise<void>): FileTarget {
  return {
    save: (name, write) =>
      inner.save(name, async (out) => {
        let chunks = 0;
        // a full buffer at once: the export waits for each chunk to pass before reading on
        const gate = new Writable({
          highWaterMark: 1,
          write(chunk: Buffer, _encoding, done) {
            chunks += 1;
            (chunks === n ? meanwhile() : Promise.resolve()).then(() => {
              if (out.write(chunk)) done();
              else out.once('drain', () => done());
            }, done);
          },
        });
        await write(gate);
        gate.end();
        await once(gate, 'finish');
      }),
  };
}

/** The saved file's data lines, without the byte-order mark and the header line. */
async function exported(path: string | null): Promise<string[]> {
  const text = await readFile(path ?? '', 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return text.slice(1).split('\r\n').slice(1, -1);
}

describe('CSV escaping', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('escapes a formula-looking value %s', (value, line) => {
    expect(csvLines([[value]])).toBe(`${line}\r\n`);
  });

  it('keeps negative numbers as numbers', () => {
    expect(csvLines([[-5, 'x']])).toBe('-5,x\r\n');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvLines([['a,b', 'say "hi"', 'two\nlines']])).toBe(
      '"a,b","say ""hi""","two\nlines"\r\n',
    );
  });
});

describe('CSV export', () => {
  it('exports with the search and sort on screen', async () => {
    for (const slug of ['csv-beta', 'csv-alpha', 'csv-gamma', 'other-csv-x']) await h.org(slug);
    const result = await h.ok(h.admin(), 'csv.export', {
      table: 'organizations',
      search: 'csv-',
      sort: '-slug',
    });
    expect(result.rows).toBe(5);
    const slugs = (await exported(result.file?.path ?? null)).map((line) => line.split(',')[1]);
    expect(slugs).toEqual(['other-csv-x', 'csv-home', 'csv-gamma', 'csv-beta', 'csv-alpha']);
  });

  it('escapes what operators typed, as a spreadsheet would otherwise run it', async () => {
    const org = await h.org('csv-injection');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: '=cmd|calc',
      description: '@import',
      systemPrompt: '-1',
    });
    const result = await h.ok(h.admin(), 'csv.export', { table: 'agents', organizationId: org.id });
    const [line] = await exported(result.file?.path ?? null);
    expect(line).toMatch(/^'=cmd\|calc,draft,1\.0\.0,'@import,/);
    expect(line).toMatch(/,'-1$/);
  });

  it('writes 10,000 agents in pages, answering other calls meanwhile', async () => {
    const org = await h.org('csv-big', 'enterprise');
    await h.db.sql(
      `insert into "org_csv-big".agents (name, system_prompt, config)
       select 'Agent ' || lpad(i::text, 5, '0'), 'p', '{"model":"m","max_tokens":1,"temperature":0}'
         from generate_series(1, 10000) as i`,
    );
    // the export is held after its second page until another call is answered: a console
    // that served calls one at a time (or an export holding what others need) never answers it
    let answeredMidExport: 'answered' | 'not answered within 10 s' | 'not asked' = 'not asked';
    const duringExport = async () => {
      const answer = await Promise.race([
        h.call(h.admin(), 'organizations.get', { id: org.id }),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
      ]);
      answeredMidExport = answer?.ok ? 'answered' : 'not answered within 10 s';
    };
    // the slot itself, not a copy: its session is filled in once written
    const slot = Object.assign(h.admin(), {
      files: pausedAtChunk(directoryTarget(h.filesDir), 3, duringExport),
    });
    const result = await h.ok(slot, 'csv.export', {
      table: 'agents',
      organizationId: org.id,
      sort: 'name',
    });
    expect(answeredMidExport).toBe('answered');
    expect(result.rows).toBe(10_000);
    const lines = await exported(result.file?.path ?? null);
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toMatch(/^Agent 00001,/);
    expect(lines[9_999]).toMatch(/^Agent 10000,/);
  });

  it('exports only what the caller may read', async () => {
    const other = await h.org('csv-elsewhere');
    const home = await h.org('csv-dev-home');
    const dev = await h.user(home.id, 'developer', 'dev@csv.test');
    const result = await h.call(h.slotFor(dev.id), 'csv.export', {
      table: 'agents',
      organizationId: other.id,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const users = await h.ok(h.slotFor(dev.id), 'csv.export', { table: 'users' });
    expect(await exported(users.file?.path ?? null)).toEqual([
      expect.stringMatching(/^dev@csv\.test,/),
    ]);
  });

  it('answers UNAVAILABLE and leaves no file when the database is lost mid-export', async () => {
    const org = await h.org('csv-lost', 'enterprise');
    await h.db.sql(
      `insert into "org_csv-lost".agents (name, system_prompt, config)
       select 'Agent ' || i, 'p', '{"model":"m","max_tokens":1,"temperature":0}'
         from generate_series(1, 1000) as i`,
    );
    const onServer = (sql: string) => asServerAdmin(sql);
    // after the second page: no new connection is let in, and every open one is ended
    const loseDatabase = async () => {
      await onServer(`alter database ${h.db.name} allow_connections false`);
      await onServer(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${h.db.name}'`,
      );
    };
    const slot = Object.assign(h.admin(), {
      files: pausedAtChunk(directoryTarget(h.filesDir), 3, loseDatabase),
    });
    let result: Awaited<ReturnType<typeof h.call<'csv.export'>>>;
    try {
      result = await h.call(slot, 'csv.export', { table: 'agents', organizationId: org.id });
    } finally {
      await onServer(`alter database ${h.db.name} allow_connections true`);
    }
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(
      (await readdir(h.filesDir)).filter((name) => name.startsWith('agents-csv-lost')),
    ).toEqual([]);
    const again = await h.ok(h.admin(), 'csv.export', { table: 'agents', organizationId: org.id });
    expect(again.rows).toBe(1000);
  });

  it('answers UNAVAILABLE when the window has nowhere to save', async () => {
    const slot = h.admin();
    delete slot.files;
    const result = await h.call(slot, 'csv.export', { table: 'skills' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

/** Runs SQL as the superuser on the test server's maintenance database. */
async function asServerAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('serverUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
