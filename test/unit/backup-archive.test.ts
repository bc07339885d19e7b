import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DamagedArchiveError,
  openArchiveSource,
  writeArchive,
  type Manifest,
} from '../../src-main/db/transfer/archive.ts';
import { FingerprintSum } from '../../src-main/db/transfer/copy-text.ts';
import type { Description, TableShape } from '../../src-main/db/transfer/describe.ts';
import type { TransferSource } from '../../src-main/db/transfer/source.ts';
import type { Fingerprint } from '../../src-main/db/transfer/tables.ts';

/*
 * A whole-database backup (archive.ts) as a file: written from a source
 * held in memory (its tables' rows as COPY text, their fingerprints computed
 * as a database's are), read back, and refused for each way a file can be
 * damaged or crafted, with the reason it gives. What the database does with
 * it (the restore) is in the integration files.
 */

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-backup-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

let files = 0;
const newFile = () => join(folder, `backup-${(files += 1)}.fpbackup`);

const table = (name: string, columns: string[], identity: string[] = []): TableShape => ({
  name,
  columns,
  identity,
});

const ORGANIZATIONS = table('organizations', ['id', 'slug']);
const USERS = table('users', ['id', 'email', 'seq'], ['seq']);
const AGENTS = table('agents', ['id', 'name']);

const DESCRIPTION: Description = {
  publicMigrations: ['0001-base', '0002-users'],
  publicTables: [ORGANIZATIONS, USERS],
  tenantShapes: [[AGENTS]],
  tenants: [{ slug: 'acme', level: 3, shape: 0 }],
  sequences: [{ table: 'users', column: 'seq', value: '2' }],
};

/** Rows as COPY text, by schema and table. */
const ROWS: Record<string, string[]> = {
  'public.organizations': ['o1\tacme'],
  'public.users': ['u1\tann@acme.test\t1', 'u2\t\\N\t2'],
  'org_acme.agents': ['a1\tRésumé bot', 'a2\tsays "hi"\\tthere'],
};

function fingerprintOf(columns: number, rows: string[]): Fingerprint {
  const sum = new FingerprintSum(columns);
  for (const row of rows) sum.add(row);
  return sum.result();
}

/** A source held in memory, as a database source answers. */
function memorySource(
  label = 'postgres://db.example/fleet',
  overrides: Partial<TransferSource> = {},
): TransferSource {
  const rowsOf = (schema: string, t: TableShape) => ROWS[`${schema}.${t.name}`] ?? [];
  const fingerprints = (schema: string, tables: TableShape[]) =>
    Promise.resolve(tables.map((t) => fingerprintOf(t.columns.length, rowsOf(schema, t))));
  return {
    label,
    description: DESCRIPTION,
    rows: (schema, t) =>
      Promise.resolve(Readable.from(rowsOf(schema, t).map((row) => Buffer.from(`${row}\n`)))),
    skip: () => Promise.resolve(),
    snapshot: fingerprints,
    expected: fingerprints,
    close: () => Promise.resolve(),
    ...overrides,
  };
}

async function textOf(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** An archive's parts, to be changed and written again. */
interface Section {
  schema: string;
  table: string;
  rows: string[];
  end: { rows: number; sum: string; sha256: string };
}

interface Parts {
  magic: string;
  manifest: Manifest;
  sections: Section[];
  finish: string;
}

const sha256 = (rows: string[]) =>
  createHash('sha256')
    .update(rows.map((r) => `${r}\n`).join(''))
    .digest('hex');

/** A well-formed archive of DESCRIPTION and ROWS, to change. */
function parts(): Parts {
  const sections = [
    ['public', ORGANIZATIONS],
    ['public', USERS],
    ['org_acme', AGENTS],
  ].map(([schema, t]) => {
    const shape = t as TableShape;
    const rows = ROWS[`${schema as string}.${shape.name}`] ?? [];
    return {
      schema: schema as string,
      table: shape.name,
      rows,
      end: { ...fingerprintOf(shape.columns.length, rows), sha256: sha256(rows) },
    };
  });
  return {
    magic: 'FLEETPROMPT-BACKUP 1',
    manifest: {
      app: '1.4.0',
      createdAt: '2026-12-05T21:00:00.000Z',
      source: 'postgres://db.example/fleet',
      description: structuredClone(DESCRIPTION),
    },
    sections,
    finish: '@finish {"sections":3}',
  };
}

function textOfParts(p: Parts): string {
  const sections = p.sections.map(
    (s) =>
      `@copy ${JSON.stringify({ schema: s.schema, table: s.table })}\n` +
      s.rows.map((r) => `${r}\n`).join('') +
      `\\.\n@end ${JSON.stringify(s.end)}\n`,
  );
  return `${p.magic}\n${JSON.stringify(p.manifest)}\n${sections.join('')}${p.finish}\n`;
}

async function archiveFile(text: string): Promise<string> {
  const file = newFile();
  await writeFile(file, gzipSync(text));
  return file;
}

async function crafted(change: (p: Parts) => void): Promise<string> {
  const p = parts();
  change(p);
  return archiveFile(textOfParts(p));
}

async function refusal(file: string): Promise<string> {
  const opening = openArchiveSource(file);
  await expect(opening).rejects.toBeInstanceOf(DamagedArchiveError);
  return opening.then(
    () => '',
    (error: Error) => error.message,
  );
}

/** The reason an archive is refused for, as DamagedArchiveError words it. */
const because = (file: string, reason: string) =>
  `${file} is not a complete FleetPrompt backup (${reason}); nothing was restored.`;

async function refusedFor(change: (p: Parts) => void): Promise<string> {
  const file = await crafted(change);
  const message = await refusal(file);
  expect(message.startsWith(`${file} is not a complete FleetPrompt backup (`)).toBe(true);
  return message.slice(`${file} is not a complete FleetPrompt backup (`.length, -')'.length - 23);
}

/**
 * A whole archive whose first table holds half a megabyte of rows, written as two
 * gzip members that split its text where `cut` says (they inflate as one
 * stream), and the length of the first: a file cut there is a shorter
 * archive, complete as gzip. Once open, a reader has read only its start.
 */
async function largeArchive(
  cut: (text: string) => number,
): Promise<{ file: string; first: number }> {
  const p = parts();
  const first = p.sections[0]!;
  first.rows = Array.from(
    { length: 4_000 },
    (_, i) => `o${i}\t${randomBytes(72).toString('base64')}`,
  );
  first.end = { ...fingerprintOf(2, first.rows), sha256: sha256(first.rows) };
  const text = textOfParts(p);
  const members = [gzipSync(text.slice(0, cut(text))), gzipSync(text.slice(cut(text)))];
  const file = newFile();
  await writeFile(file, Buffer.concat(members));
  return { file, first: members[0]!.length };
}

describe('a backup written', () => {
  it('is read back whole: its manifest, each table its rows in order, and their recorded fingerprints', async () => {
    const file = newFile();
    const before = Date.now();
    await writeArchive(memorySource(), file, { app: '1.4.0' });
    const archive = await openArchiveSource(file);
    try {
      expect(archive.manifest.app).toBe('1.4.0');
      expect(archive.manifest.source).toBe('postgres://db.example/fleet');
      expect(archive.description).toEqual(DESCRIPTION);
      const created = Date.parse(archive.manifest.createdAt);
      expect(created).toBeGreaterThanOrEqual(before);
      expect(created).toBeLessThanOrEqual(Date.now());
      for (const [schema, t] of [
        ['public', ORGANIZATIONS],
        ['public', USERS],
        ['org_acme', AGENTS],
      ] as const) {
        const rows = ROWS[`${schema}.${t.name}`] ?? [];
        expect(await textOf(await archive.rows(schema, t))).toBe(
          rows.map((r) => `${r}\n`).join(''),
        );
      }
      const recorded = [ORGANIZATIONS, USERS].map((t) =>
        fingerprintOf(t.columns.length, ROWS[`public.${t.name}`] ?? []),
      );
      expect(await archive.snapshot('public', [ORGANIZATIONS, USERS])).toEqual(recorded);
      expect(await archive.expected('public', [ORGANIZATIONS, USERS])).toEqual(recorded);
    } finally {
      await archive.close();
    }
  });

  it('answers its file, its size, its sections and its rows', async () => {
    const file = newFile();
    const written = await writeArchive(memorySource(), file, { app: '1.4.0' });
    expect(written).toEqual({ file, bytes: (await stat(file)).size, sections: 3, rows: 5 });
  });

  it('is readable by its owner only', async () => {
    const file = newFile();
    await writeArchive(memorySource(), file, { app: '1.4.0' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('is one gzip stream of lines: its first line, its manifest, its sections and its last line', async () => {
    const file = newFile();
    await writeArchive(memorySource(), file, { app: '1.4.0' });
    const lines = gunzipSync(await readFile(file))
      .toString('utf8')
      .split('\n');
    expect(lines[0]).toBe('FLEETPROMPT-BACKUP 1');
    expect(lines.filter((l) => l.startsWith('@copy '))).toEqual([
      '@copy {"schema":"public","table":"organizations"}',
      '@copy {"schema":"public","table":"users"}',
      '@copy {"schema":"org_acme","table":"agents"}',
    ]);
    expect(lines.slice(-2)).toEqual(['@finish {"sections":3}', '']);
  });

  it('reports its progress after each table: tables written of all, rows so far', async () => {
    const progress: unknown[] = [];
    await writeArchive(memorySource(), newFile(), {
      app: '1.4.0',
      onProgress: (p) => progress.push(p),
    });
    expect(progress).toEqual([
      { sections: 1, sectionsTotal: 3, rows: 1 },
      { sections: 2, sectionsTotal: 3, rows: 3 },
      { sections: 3, sectionsTotal: 3, rows: 5 },
    ]);
  });

  it('takes its name only once it is complete, leaving nothing else behind', async () => {
    const file = newFile();
    const seen: boolean[] = [];
    await writeArchive(memorySource(), file, {
      app: '1.4.0',
      onProgress: () => seen.push(existsSync(file)),
    });
    expect(seen).toEqual([false, false, false]);
    expect(readdirSync(folder).filter((name) => name.startsWith(basename(file)))).toEqual([
      basename(file),
    ]);
  });

  it('names its source with the password masked', async () => {
    const file = newFile();
    await writeArchive(memorySource('postgres://fleet:s3cret@db.example/fleet'), file, {
      app: '1.4.0',
    });
    const text = gunzipSync(await readFile(file)).toString('utf8');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('db.example/fleet');
  });

  it('leaves no file behind when the source fails, and answers its failure', async () => {
    const file = newFile();
    const failing = memorySource(undefined, {
      rows: (schema) =>
        schema === 'org_acme'
          ? Promise.reject(new Error('connection lost'))
          : Promise.resolve(Readable.from([])),
    });
    await expect(writeArchive(failing, file, { app: '1.4.0' })).rejects.toThrow('connection lost');
    expect([existsSync(file), existsSync(`${file}.partial`)]).toEqual([false, false]);
  });

  it('answers a file it cannot open with the failure to open it', async () => {
    const file = join(folder, 'no-such-folder', 'backup.fpbackup');
    await expect(writeArchive(memorySource(), file, { app: '1.4.0' })).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'open',
    });
  });

  it('closes its file when the source fails', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const failing = memorySource(undefined, {
      rows: (schema) =>
        schema === 'org_acme'
          ? Promise.reject(new Error('connection lost'))
          : Promise.resolve(Readable.from([])),
    });
    await expect(writeArchive(failing, newFile(), { app: '1.4.0' })).rejects.toThrow();
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });

  it('refuses a table the source has no fingerprint for', async () => {
    const file = newFile();
    const short = memorySource(undefined, {
      snapshot: (_schema, tables) =>
        Promise.resolve(tables.slice(1).map(() => ({ rows: 0, sum: '0' }))),
    });
    await expect(writeArchive(short, file, { app: '1.4.0' })).rejects.toThrow(
      'No fingerprint for public.users',
    );
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});

describe('a backup read back', () => {
  it('prints its manifest labels without control characters, the source masked', async () => {
    const file = await crafted((p) => {
      p.manifest.app = '1.4.0\u001b[2J';
      p.manifest.createdAt = '2026-12-05\u202e';
      p.manifest.source = 'postgres://fleet:s3cret@db.example/fleet\u0007';
    });
    const archive = await openArchiveSource(file);
    await archive.close();
    expect(archive.manifest.app).toBe('1.4.0[2J');
    expect(archive.manifest.createdAt).toBe('2026-12-05');
    expect(archive.manifest.source).not.toContain('s3cret');
    expect(archive.manifest.source).not.toContain('\u0007');
    expect(archive.label).toBe(
      `the backup of ${archive.manifest.source} made 2026-12-05 by FleetPrompt 1.4.0[2J`,
    );
  });

  it('passes over a table it is told to skip, the next read as it is', async () => {
    const archive = await openArchiveSource(await crafted(() => undefined));
    try {
      await archive.skip('public', ORGANIZATIONS);
      await archive.skip('public', USERS);
      expect(await textOf(await archive.rows('org_acme', AGENTS))).toBe(
        'a1\tRésumé bot\na2\tsays "hi"\\tthere\n',
      );
    } finally {
      await archive.close();
    }
  });

  it('refuses a table asked for out of its order', async () => {
    const archive = await openArchiveSource(await crafted(() => undefined));
    try {
      await expect(archive.rows('public', USERS)).rejects.toThrow(
        "Restore asked for public.users out of the archive's order",
      );
    } finally {
      await archive.close();
    }
  });

  it('refuses a table of another schema asked for in its place', async () => {
    const archive = await openArchiveSource(await crafted(() => undefined));
    try {
      await expect(archive.rows('org_acme', ORGANIZATIONS)).rejects.toThrow(
        "Restore asked for org_acme.organizations out of the archive's order",
      );
    } finally {
      await archive.close();
    }
  });

  it('answers an unrecorded fingerprint, one no table can have, for a table it does not hold', async () => {
    const archive = await openArchiveSource(await crafted(() => undefined));
    await archive.close();
    expect(await archive.snapshot('org_acme', [AGENTS, table('keys', ['id'])])).toEqual([
      fingerprintOf(2, ROWS['org_acme.agents'] ?? []),
      { rows: -1, sum: 'absent' },
    ]);
    expect(await archive.expected('org_other', [AGENTS])).toEqual([{ rows: -1, sum: 'absent' }]);
  });

  it('is refused if it ends early when read again, before a section', async () => {
    const { file, first } = await largeArchive((text) =>
      text.indexOf('@copy {"schema":"public","table":"users"}'),
    );
    const archive = await openArchiveSource(file);
    try {
      await truncate(file, first);
      await archive.skip('public', ORGANIZATIONS);
      await expect(archive.rows('public', USERS)).rejects.toThrow(
        because(file, 'it changed while being restored'),
      );
    } finally {
      await archive.close();
    }
  });

  it('is refused if it ends early when read again, inside a section', async () => {
    const { file, first } = await largeArchive((text) => text.indexOf('\\.\n'));
    const archive = await openArchiveSource(file);
    try {
      await truncate(file, first);
      await expect(textOf(await archive.rows('public', ORGANIZATIONS))).rejects.toThrow(
        because(file, 'it changed while being restored'),
      );
    } finally {
      await archive.close();
    }
  });

  it('closes its file when closed, unread sections and all', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const { file } = await largeArchive((text) => text.length);
    const before = openFiles();
    const archive = await openArchiveSource(file);
    await archive.close();
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });
});

describe('a backup refused before anything is restored', () => {
  it('names the file and says nothing was restored', async () => {
    const file = await crafted((p) => {
      p.magic = 'PGDMP';
    });
    expect(await refusal(file)).toBe(because(file, 'it does not start as one'));
  });

  it('when its first line is not a FleetPrompt backup', async () => {
    expect(await refusedFor((p) => (p.magic = 'FLEETPROMPT-BACKUP 2'))).toBe(
      'it does not start as one',
    );
  });

  it('when it ends after its manifest', async () => {
    const text = textOfParts(parts());
    expect(await refusal(await archiveFile(text.slice(0, text.indexOf('@copy'))))).toContain(
      '(the section for public.organizations is missing)',
    );
  });

  it('when its last line is tagged otherwise', async () => {
    expect(await refusedFor((p) => (p.finish = '@finish:{"sections":3}'))).toBe(
      'its last line is missing',
    );
  });

  it('when one of its tenants has a shape it does not hold', async () => {
    expect(
      await refusedFor((p) =>
        p.manifest.description.tenants.push({ slug: 'beta', level: 3, shape: 1 }),
      ),
    ).toBe('its manifest cannot be read');
  });

  it('not when its tenants are of several shapes', async () => {
    const keys = table('keys', ['id']);
    const file = await crafted((p) => {
      p.manifest.description.tenantShapes.push([keys]);
      p.manifest.description.tenants.push({ slug: 'beta', level: 4, shape: 1 });
      p.sections.push({
        schema: 'org_beta',
        table: 'keys',
        rows: ['k1'],
        end: { ...fingerprintOf(1, ['k1']), sha256: sha256(['k1']) },
      });
      p.finish = '@finish {"sections":4}';
    });
    const archive = await openArchiveSource(file);
    await archive.close();
    expect(archive.description.tenants[1]).toEqual({ slug: 'beta', level: 4, shape: 1 });
  });

  it('when it is empty', async () => {
    expect(await refusal(await archiveFile(''))).toContain('(it does not start as one)');
  });

  it('when its gzip stream is damaged, saying how', async () => {
    const file = newFile();
    const whole = gzipSync(textOfParts(parts()));
    await writeFile(file, whole.subarray(0, whole.length - 12));
    expect(await refusal(file)).toContain(
      '(its compressed data is damaged: unexpected end of file)',
    );
  });

  it('when it ends after its first line', async () => {
    expect(await refusal(await archiveFile('FLEETPROMPT-BACKUP 1\n'))).toContain(
      '(its manifest cannot be read)',
    );
  });

  it('when its manifest is not JSON', async () => {
    const file = await archiveFile(`FLEETPROMPT-BACKUP 1\n{"app":\n`);
    expect(await refusal(file)).toContain('(its manifest cannot be read)');
  });

  it('when its manifest lacks a part', async () => {
    expect(await refusedFor((p) => delete (p.manifest as Partial<Manifest>).createdAt)).toBe(
      'its manifest cannot be read',
    );
  });

  it.each([
    ['a slug that is no slug', (d: Description) => (d.tenants[0]!.slug = 'Acme Corp')],
    ['a negative level', (d: Description) => (d.tenants[0]!.level = -1)],
    ['a level that is no whole number', (d: Description) => (d.tenants[0]!.level = 1.5)],
    ['a shape it does not hold', (d: Description) => (d.tenants[0]!.shape = 1)],
    ['a table without a name', (d: Description) => (d.publicTables[0]!.name = '')],
    [
      'a table name too long for PostgreSQL',
      (d: Description) => (d.publicTables[0]!.name = 'x'.repeat(64)),
    ],
    ['a table without columns', (d: Description) => (d.publicTables[0]!.columns = [])],
    ['a column without a name', (d: Description) => (d.tenantShapes[0]![0]!.columns[0] = '')],
    [
      'a sequence value that is no number',
      (d: Description) => (d.sequences[0]!.value = '12; drop'),
    ],
    ['a sequence value with text before it', (d: Description) => (d.sequences[0]!.value = 'x12')],
    ['an empty sequence value', (d: Description) => (d.sequences[0]!.value = '')],
    ['a sequence value of 20 digits', (d: Description) => (d.sequences[0]!.value = '1'.repeat(20))],
  ])('when its manifest holds %s', async (_what, change) => {
    expect(await refusedFor((p) => change(p.manifest.description))).toBe(
      'its manifest cannot be read',
    );
  });

  it.each([
    ['no value', null],
    ['a one-digit value', '7'],
    ['a negative value', '-12'],
    ['a 19-digit value', '9223372036854775807'],
  ])('not when a sequence has %s', async (_what, value) => {
    const file = await crafted((p) => (p.manifest.description.sequences[0]!.value = value));
    const archive = await openArchiveSource(file);
    await archive.close();
    expect(archive.description.sequences[0]?.value).toBe(value);
  });

  it('not when a table name is as long as PostgreSQL allows', async () => {
    const long = 'x'.repeat(63);
    const archive = await openArchiveSource(
      await crafted((p) => {
        p.manifest.description.tenantShapes[0]![0]!.name = long;
        p.sections[2]!.table = long;
      }),
    );
    await archive.close();
    expect(archive.description.tenantShapes[0]?.[0]?.name).toBe(long);
  });

  it('when it holds a tenant twice', async () => {
    expect(
      await refusedFor((p) =>
        p.manifest.description.tenants.push({ slug: 'acme', level: 3, shape: 0 }),
      ),
    ).toBe('it holds the tenant acme twice');
  });

  it('when a schema holds a table twice', async () => {
    expect(await refusedFor((p) => p.manifest.description.tenantShapes[0]!.push(AGENTS))).toBe(
      'it holds the table agents twice',
    );
  });

  it('when a table names a column twice', async () => {
    expect(
      await refusedFor((p) => (p.manifest.description.publicTables[0]!.columns = ['id', 'id'])),
    ).toBe('the table organizations names a column twice');
  });

  it('when a tenant table names a column twice', async () => {
    expect(
      await refusedFor((p) => (p.manifest.description.tenantShapes[0]![0]!.columns = ['id', 'id'])),
    ).toBe('the table agents names a column twice');
  });

  it('when a table numbers a column it does not have', async () => {
    expect(
      await refusedFor((p) => (p.manifest.description.publicTables[1]!.identity = ['seq', 'nope'])),
    ).toBe('the table users numbers a column it does not have');
  });

  it('when it sets a sequence for a column that is not numbered', async () => {
    expect(await refusedFor((p) => (p.manifest.description.sequences[0]!.column = 'email'))).toBe(
      'it sets a sequence for users.email, which is no identity column',
    );
  });

  it('when it sets a sequence for a table it does not hold', async () => {
    expect(await refusedFor((p) => (p.manifest.description.sequences[0]!.table = 'ghosts'))).toBe(
      'it sets a sequence for ghosts.seq, which is no identity column',
    );
  });

  it('when a section is missing', async () => {
    expect(await refusedFor((p) => p.sections.splice(1, 1))).toBe(
      'the section for public.users is missing',
    );
  });

  it('when a section names another schema', async () => {
    expect(await refusedFor((p) => (p.sections[2]!.schema = 'org_beta'))).toBe(
      'the section for org_acme.agents is missing',
    );
  });

  it('when a section names another table', async () => {
    expect(await refusedFor((p) => (p.sections[1]!.table = 'admins'))).toBe(
      'the section for public.users is missing',
    );
  });

  it('when a section header is tagged otherwise', async () => {
    const text = textOfParts(parts()).replace(
      '@copy {"schema":"public","table":"users"}',
      '@copy:{"schema":"public","table":"users"}',
    );
    expect(await refusal(await archiveFile(text))).toContain(
      '(the section for public.users is missing)',
    );
  });

  it('when a section header is not JSON', async () => {
    const text = textOfParts(parts()).replace(
      '@copy {"schema":"public","table":"users"}',
      '@copy public.users',
    );
    expect(await refusal(await archiveFile(text))).toContain(
      '(the section for public.users is missing)',
    );
  });

  it('when it ends inside a section', async () => {
    const text = textOfParts(parts());
    expect(await refusal(await archiveFile(text.slice(0, text.indexOf('u2\t'))))).toContain(
      '(it ends inside public.users)',
    );
  });

  it('when a row cannot be read as COPY text', async () => {
    expect(
      await refusedFor((p) => {
        p.sections[1]!.rows = ['u1\tann@acme.test'];
        p.sections[1]!.end.sha256 = sha256(p.sections[1]!.rows);
      }),
    ).toBe('a row of public.users cannot be read: a row has 2 values for 3 columns');
  });

  it('when its rows do not match their hash', async () => {
    expect(
      await refusedFor((p) => (p.sections[1]!.rows = ['u1\tann@acme.test\t1', 'u2\t\\N\t3'])),
    ).toBe('the rows of public.users do not match their checksum');
  });

  it('when its rows are not as many as recorded', async () => {
    expect(await refusedFor((p) => (p.sections[1]!.end.rows = 3))).toBe(
      'the rows of public.users do not match their checksum',
    );
  });

  it('when a section has no end line', async () => {
    const text = textOfParts(parts()).replace(
      /@end [^\n]*\n@copy \{"schema":"org_acme"/,
      '@copy {"schema":"org_acme"',
    );
    expect(await refusal(await archiveFile(text))).toContain(
      '(the rows of public.users do not match their checksum)',
    );
  });

  it('when its rows, hashed as written, do not match their recorded fingerprint', async () => {
    expect(await refusedFor((p) => (p.sections[0]!.end.sum = '12345'))).toBe(
      'the rows of public.organizations do not match their recorded fingerprint',
    );
  });

  it('when its last line is missing', async () => {
    expect(await refusedFor((p) => (p.finish = ''))).toBe('its last line is missing');
  });

  it('when its last line counts other sections', async () => {
    expect(await refusedFor((p) => (p.finish = '@finish {"sections":2}'))).toBe(
      'its last line is missing',
    );
  });

  it('when it goes on after its last line', async () => {
    expect(await refusedFor((p) => (p.finish = '@finish {"sections":3}\nmore'))).toBe(
      'it goes on after its last line',
    );
  });

  it('not when it is whole', async () => {
    const archive = await openArchiveSource(await crafted(() => undefined));
    await archive.close();
    expect(archive.manifest.description).toEqual(DESCRIPTION);
  });

  it('as a DamagedArchiveError', async () => {
    const opening = openArchiveSource(await crafted((p) => (p.magic = '')));
    await expect(opening).rejects.toMatchObject({ name: 'DamagedArchiveError' });
  });
});
