import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { csvLines } from '../../src-main/services/csv-export.ts';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('csv');

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
    const exporting = h.ok(h.admin(), 'csv.export', {
      table: 'agents',
      organizationId: org.id,
      sort: 'name',
    });
    let answeredFirst = false;
    const meanwhile = h
      .ok(h.admin(), 'organizations.get', { id: org.id })
      .then(() => (answeredFirst = true));
    const result = await exporting;
    await meanwhile;
    expect(answeredFirst).toBe(true);
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

  it('answers UNAVAILABLE when the window has nowhere to save', async () => {
    const { sessionId } = h.admin();
    const result = await h.call({ ...(sessionId ? { sessionId } : {}) }, 'csv.export', {
      table: 'skills',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
