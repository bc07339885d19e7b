import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FingerprintSum } from '../../src-main/db/transfer/copy-text.ts';
import type { TableShape } from '../../src-main/db/transfer/describe.ts';
import {
  checkTenantArchive,
  DamagedTenantArchiveError,
  openTenantArchive,
  sectionsOf,
  TENANT_MAGIC,
  writeTenantArchive,
  type SectionSource,
  type TenantManifest,
} from '../../src-main/db/transfer/tenant-archive.ts';
import type { Fingerprint } from '../../src-main/db/transfer/tables.ts';

/*
 * One organization's archive (tenant-archive.ts) as a file: written from
 * sections held in memory, read back in its order, and refused for each way
 * a file can be damaged or crafted, with the reason it gives. The export
 * and the import through the database are in tenant-transfer.test.ts.
 */

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-tenant-archive-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

let files = 0;
const newFile = () => join(folder, `acme-${(files += 1)}.fporg`);

const table = (name: string, columns: string[], identity: string[] = []): TableShape => ({
  name,
  columns,
  identity,
});

const ORGANIZATIONS = table('organizations', ['id', 'slug', 'tenant_schema_version']);
const USERS = table('users', ['id', 'organization_id', 'email']);
const AGENTS = table('agents', ['id', 'name', 'seq'], ['seq']);

const ORGANIZATION_ID = '4b9c6c36-6f5e-4a35-9d3e-8a9d1c2b7e10';

const MANIFEST: TenantManifest = {
  app: '1.4.0',
  createdAt: '2026-12-05T21:00:00.000Z',
  source: 'postgres://db.example/fleet',
  organization: { id: ORGANIZATION_ID, slug: 'acme', name: 'Acme' },
  level: 3,
  publicMigrations: ['0001-base', '0002-users'],
  publicTables: [ORGANIZATIONS, USERS],
  tenantTables: [AGENTS],
};

const ROWS: Record<string, string[]> = {
  'public.organizations': [`${ORGANIZATION_ID}\tacme\t3`],
  'public.users': [`u1\t${ORGANIZATION_ID}\tann@acme.test`, `u2\t${ORGANIZATION_ID}\tbo@acme.test`],
  'public.skills': ['s1\tsummarize'],
  'org_acme.audit_events': ['e1\tcreated'],
  'org_acme.agents': ['a1\tRésumé bot\t1', 'a2\tsays "hi"\\tthere\t2'],
};

const rowsOf = (schema: string, t: TableShape) => ROWS[`${schema}.${t.name}`] ?? [];

const sha256 = (rows: string[]) =>
  createHash('sha256')
    .update(rows.map((r) => `${r}\n`).join(''))
    .digest('hex');

/** Fingerprints as the export reads them from the database (copy-text.ts sums them alike). */
const FINGERPRINTS: Fingerprint[] = sectionsOf(MANIFEST).map(({ schema, table: t }) => {
  const sum = new FingerprintSum(t.columns.length);
  for (const row of rowsOf(schema, t)) sum.add(row);
  return sum.result();
});

function memorySections(overrides: Partial<SectionSource> = {}): SectionSource {
  return {
    fingerprints: () => Promise.resolve(FINGERPRINTS),
    rows: (schema, t) =>
      Promise.resolve(Readable.from(rowsOf(schema, t).map((row) => Buffer.from(`${row}\n`)))),
    ...overrides,
  };
}

async function written(manifest = MANIFEST, source = memorySections()): Promise<string> {
  const file = newFile();
  const out = createWriteStream(file);
  await writeTenantArchive(out, manifest, source);
  out.end();
  await finished(out);
  return file;
}

async function textOf(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** An archive's parts, to be changed and written again. */
interface Parts {
  magic: string;
  manifest: string;
  sections: { header: string; rows: string[]; end: string }[];
  finish: string;
}

function parts(manifest: TenantManifest = MANIFEST): Parts {
  return {
    magic: TENANT_MAGIC,
    manifest: JSON.stringify(manifest),
    sections: sectionsOf(manifest).map(({ schema, table: t }) => {
      const rows = rowsOf(schema, t);
      const sum = new FingerprintSum(t.columns.length);
      for (const row of rows) sum.add(row);
      return {
        header: `@copy ${JSON.stringify({ schema, table: t.name })}`,
        rows,
        end: `@end ${JSON.stringify({ ...sum.result(), sha256: sha256(rows) })}`,
      };
    }),
    finish: `@finish {"sections":${sectionsOf(manifest).length}}`,
  };
}

const textOfParts = (p: Parts) =>
  [
    p.magic,
    p.manifest,
    ...p.sections.flatMap((s) => [s.header, ...s.rows, '\\.', s.end]),
    p.finish,
    '',
  ].join('\n');

/** The archive's parts with half a megabyte of users: a reader is far from its end when it stops. */
function largeParts(): Parts {
  const p = parts();
  const users = p.sections[1]!;
  users.rows = Array.from(
    { length: 4_000 },
    (_, i) => `u${i}\t${ORGANIZATION_ID}\t${randomBytes(72).toString('base64')}`,
  );
  const sum = new FingerprintSum(3);
  for (const row of users.rows) sum.add(row);
  users.end = `@end ${JSON.stringify({ ...sum.result(), sha256: sha256(users.rows) })}`;
  return p;
}

async function archiveFile(text: string | Buffer): Promise<string> {
  const file = newFile();
  await writeFile(file, gzipSync(text));
  return file;
}

const crafted = (change: (p: Parts) => void) => {
  const p = parts();
  change(p);
  return archiveFile(textOfParts(p));
};

/** The reason a file is refused for, as DamagedTenantArchiveError words it. */
async function refusedFor(file: string, bounds?: Parameters<typeof checkTenantArchive>[1]) {
  const checking = checkTenantArchive(file, bounds);
  await expect(checking).rejects.toBeInstanceOf(DamagedTenantArchiveError);
  const message = await checking.then(
    () => '',
    (error: Error) => error.message,
  );
  const start = 'The file is not a complete FleetPrompt organization archive (';
  const end = '); nothing was imported.';
  expect([message.startsWith(start), message.endsWith(end)]).toEqual([true, true]);
  return message.slice(start.length, -end.length);
}

const manifestWith = (change: (m: Record<string, unknown>) => void) =>
  crafted((p) => {
    const m = JSON.parse(p.manifest) as Record<string, unknown>;
    change(m);
    p.manifest = JSON.stringify(m);
  });

describe("an organization's archive written", () => {
  it('is read back whole: its manifest, its fingerprints in section order, each section its rows', async () => {
    const archive = await openTenantArchive(await written());
    try {
      expect(archive.manifest).toEqual(MANIFEST);
      expect(archive.fingerprints).toEqual(FINGERPRINTS);
      for (const { schema, table: t } of sectionsOf(MANIFEST))
        expect(await textOf(await archive.rows(schema, t))).toBe(
          rowsOf(schema, t)
            .map((r) => `${r}\n`)
            .join(''),
        );
    } finally {
      await archive.close();
    }
  });

  it('answers its sections and its rows', async () => {
    const out = createWriteStream(newFile());
    expect(await writeTenantArchive(out, MANIFEST, memorySections())).toEqual({
      sections: 3,
      rows: 5,
    });
    out.end();
  });

  it('leaves its output open for the caller to end', async () => {
    const out = createWriteStream(newFile());
    await writeTenantArchive(out, MANIFEST, memorySections());
    expect(out.writableEnded).toBe(false);
    out.end();
  });

  it('holds its first line, its manifest, the public sections then the tenant ones, and its last line', async () => {
    const text = gunzipSync(await readFile(await written())).toString('utf8');
    expect(text).toBe(textOfParts(parts()));
  });

  it('names its source with the password masked', async () => {
    const file = await written({ ...MANIFEST, source: 'postgres://fleet:s3cret@db.example/fleet' });
    expect(gunzipSync(await readFile(file)).toString('utf8')).not.toContain('s3cret');
  });

  it('refuses a section the source has no fingerprint for', async () => {
    const out = new Writable({ write: (_chunk, _encoding, done) => done() });
    const short = memorySections({ fingerprints: () => Promise.resolve(FINGERPRINTS.slice(0, 2)) });
    await expect(writeTenantArchive(out, MANIFEST, short)).rejects.toThrow(
      'No fingerprint for org_acme.agents',
    );
  });

  it('answers the failure of a section it cannot read', async () => {
    const out = new Writable({ write: (_chunk, _encoding, done) => done() });
    const failing = memorySections({
      rows: (schema) =>
        schema === 'public'
          ? Promise.resolve(Readable.from([]))
          : Promise.reject(new Error('connection lost')),
    });
    await expect(writeTenantArchive(out, MANIFEST, failing)).rejects.toThrow('connection lost');
  });
});

describe("the sections of an organization's archive", () => {
  it('are the public tables, then the tables of its schema', () => {
    expect(sectionsOf(MANIFEST)).toEqual([
      { schema: 'public', table: ORGANIZATIONS },
      { schema: 'public', table: USERS },
      { schema: 'org_acme', table: AGENTS },
    ]);
  });
});

describe("an organization's archive read back", () => {
  it('masks a password its source names', async () => {
    const file = await archiveFile(
      textOfParts(parts({ ...MANIFEST, source: 'postgres://fleet:s3cret@db.example/fleet' })),
    );
    const { manifest } = await checkTenantArchive(file);
    expect(manifest.source).not.toContain('s3cret');
    expect(manifest.source).toContain('db.example/fleet');
  });

  it('refuses a section asked for out of its order', async () => {
    const archive = await openTenantArchive(await written());
    try {
      await expect(archive.rows('public', USERS)).rejects.toThrow(
        new DamagedTenantArchiveError('it changed while being read'),
      );
    } finally {
      await archive.close();
    }
  });

  it('refuses a section of another schema asked for in its place', async () => {
    const archive = await openTenantArchive(await written());
    try {
      await expect(archive.rows('org_acme', ORGANIZATIONS)).rejects.toThrow(
        'it changed while being read',
      );
    } finally {
      await archive.close();
    }
  });

  it('is refused if it ends early when read again, inside a section', async () => {
    // two gzip members (they inflate as one stream), the first half a megabyte: a reader has read only its start
    const p = parts();
    const users = p.sections[1]!;
    users.rows = Array.from(
      { length: 4_000 },
      (_, i) => `u${i}\t${ORGANIZATION_ID}\t${randomBytes(72).toString('base64')}`,
    );
    users.end = `@end ${JSON.stringify({ rows: users.rows.length, sum: '1', sha256: sha256(users.rows) })}`;
    const text = textOfParts(p);
    const cut = text.indexOf('\\.\n', text.indexOf('\\.\n') + 1);
    const members = [gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))];
    const file = newFile();
    await writeFile(file, Buffer.concat(members));
    const archive = await openTenantArchive(file);
    try {
      await truncate(file, members[0]!.length);
      await textOf(await archive.rows('public', ORGANIZATIONS));
      await expect(textOf(await archive.rows('public', USERS))).rejects.toThrow(
        'it changed while being read',
      );
    } finally {
      await archive.close();
    }
  });

  it('closes its file when closed, unread sections and all', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const file = await archiveFile(textOfParts(largeParts()));
    const before = openFiles();
    const archive = await openTenantArchive(file);
    await archive.close();
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });

  it('closes its file after checking it, refused or not', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const whole = await written();
    // refused at its manifest, long before its end
    const refused = await archiveFile(textOfParts({ ...largeParts(), manifest: '{}' }));
    const before = openFiles();
    await checkTenantArchive(whole);
    await expect(checkTenantArchive(refused)).rejects.toThrow();
    await vi.waitFor(() => expect(openFiles()).toBe(before), { timeout: 2_000, interval: 10 });
  });

  it('refuses a section asked for after the last', async () => {
    const archive = await openTenantArchive(await written());
    try {
      for (const { schema, table: t } of sectionsOf(MANIFEST))
        await textOf(await archive.rows(schema, t));
      await expect(archive.rows('org_acme', AGENTS)).rejects.toThrow('it changed while being read');
    } finally {
      await archive.close();
    }
  });
});

describe("an organization's archive refused before anything is imported", () => {
  it('as a DamagedTenantArchiveError, saying nothing was imported', async () => {
    const checking = checkTenantArchive(await crafted((p) => (p.magic = 'FLEETPROMPT-BACKUP 1')));
    await expect(checking).rejects.toThrow(
      'The file is not a complete FleetPrompt organization archive (it does not start as one); nothing was imported.',
    );
    await expect(checking).rejects.toMatchObject({ name: 'DamagedTenantArchiveError' });
  });

  it('when it is empty', async () => {
    expect(await refusedFor(await archiveFile(''))).toBe('it does not start as one');
  });

  it("when its gzip stream is damaged, in words for people rather than zlib's", async () => {
    const file = newFile();
    const whole = gzipSync(textOfParts(parts()));
    await writeFile(file, whole.subarray(0, whole.length - 12));
    await expect(checkTenantArchive(file)).rejects.toThrow(new DamagedTenantArchiveError());
  });

  it('when it is no gzip stream at all, as not an export or damaged', async () => {
    const file = newFile();
    await writeFile(file, 'FLEETPROMPT-TENANT 1\n');
    const checking = checkTenantArchive(file);
    await expect(checking).rejects.toThrow(
      'This file is not an organization export, or it is damaged.',
    );
    await expect(checking).rejects.not.toThrow(/header check/);
  });

  it('when a line is longer than its bound, naming the bound', async () => {
    const bounds = { maxLineBytes: 64, maxInflatedBytes: 1024 * 1024 };
    expect(await refusedFor(await written(), bounds)).toBe(
      'a line is longer than 64 bytes, more than any row',
    );
  });

  it('when it ends after its manifest', async () => {
    const text = textOfParts(parts());
    expect(await refusedFor(await archiveFile(text.slice(0, text.indexOf('@copy'))))).toBe(
      'the section for public.organizations is missing',
    );
  });

  it('when it ends after its first line', async () => {
    expect(await refusedFor(await archiveFile(`${TENANT_MAGIC}\n`))).toBe(
      'its manifest cannot be read',
    );
  });

  it('when its manifest is not JSON', async () => {
    expect(await refusedFor(await crafted((p) => (p.manifest = '{"app":')))).toBe(
      'its manifest cannot be read',
    );
  });

  it.each([
    ['a part it does not know', (m: Record<string, unknown>) => (m.extra = 1)],
    [
      'an organization id that is no UUID',
      (m: Record<string, unknown>) => (m.organization = { ...MANIFEST.organization, id: 'acme' }),
    ],
    [
      'a slug that is no slug',
      (m: Record<string, unknown>) =>
        (m.organization = { ...MANIFEST.organization, slug: 'Acme Corp' }),
    ],
    [
      'an organization without a name',
      (m: Record<string, unknown>) => (m.organization = { ...MANIFEST.organization, name: '' }),
    ],
    ['a negative level', (m: Record<string, unknown>) => (m.level = -1)],
    ['a level that is no whole number', (m: Record<string, unknown>) => (m.level = 2.5)],
    [
      'a table without columns',
      (m: Record<string, unknown>) => (m.tenantTables = [table('agents', [])]),
    ],
    [
      'a table without a name',
      (m: Record<string, unknown>) => (m.tenantTables = [table('', ['id'])]),
    ],
    [
      'a column without a name',
      (m: Record<string, unknown>) => (m.tenantTables = [table('agents', [''])]),
    ],
    [
      'more public tables than an archive holds',
      (m: Record<string, unknown>) =>
        (m.publicTables = Array.from({ length: 7 }, (_, i) => table(`t${i}`, ['id']))),
    ],
  ])('when its manifest holds %s', async (_what, change) => {
    expect(await refusedFor(await manifestWith(change))).toBe('its manifest cannot be read');
  });

  it('when a section is missing', async () => {
    expect(await refusedFor(await crafted((p) => p.sections.splice(1, 1)))).toBe(
      'the section for public.users is missing',
    );
  });

  it('when a section names another schema', async () => {
    expect(
      await refusedFor(
        await crafted(
          (p) => (p.sections[2]!.header = '@copy {"schema":"org_beta","table":"agents"}'),
        ),
      ),
    ).toBe('the section for org_acme.agents is missing');
  });

  it('when a section names another table', async () => {
    expect(
      await refusedFor(
        await crafted(
          (p) => (p.sections[1]!.header = '@copy {"schema":"public","table":"admins"}'),
        ),
      ),
    ).toBe('the section for public.users is missing');
  });

  it('when a section header is not tagged as one', async () => {
    expect(
      await refusedFor(
        await crafted((p) => (p.sections[1]!.header = '@copy:{"schema":"public","table":"users"}')),
      ),
    ).toBe('the section for public.users is missing');
  });

  it('when a section header is not JSON', async () => {
    expect(
      await refusedFor(await crafted((p) => (p.sections[1]!.header = '@copy public.users'))),
    ).toBe('the section for public.users is missing');
  });

  it('when a section header holds more than a schema and a table', async () => {
    expect(
      await refusedFor(
        await crafted(
          (p) => (p.sections[1]!.header = '@copy {"schema":"public","table":"users","x":1}'),
        ),
      ),
    ).toBe('the section for public.users is missing');
  });

  it('naming a section without control characters', async () => {
    const evil = table('agents\u001b[2J', ['id']);
    const file = await archiveFile(
      textOfParts({
        ...parts(),
        manifest: JSON.stringify({ ...MANIFEST, tenantTables: [evil] }),
        sections: parts().sections.slice(0, 2),
      }),
    );
    expect(await refusedFor(file)).toBe('the section for org_acme.agents[2J is missing');
  });

  it('when it ends inside a section', async () => {
    const text = textOfParts(parts());
    expect(await refusedFor(await archiveFile(text.slice(0, text.indexOf('u2\t'))))).toBe(
      'it ends inside public.users',
    );
  });

  it('when its rows do not match their hash', async () => {
    expect(
      await refusedFor(
        await crafted(
          (p) =>
            (p.sections[1]!.rows = [
              `u1\t${ORGANIZATION_ID}\tann@acme.test`,
              `u3\t${ORGANIZATION_ID}\tx`,
            ]),
        ),
      ),
    ).toBe('the rows of public.users do not match their checksum');
  });

  it('when its rows are not as many as recorded', async () => {
    const rows = ROWS['public.users']!;
    const end = `@end ${JSON.stringify({ rows: 3, sum: '1001', sha256: sha256(rows) })}`;
    expect(await refusedFor(await crafted((p) => (p.sections[1]!.end = end)))).toBe(
      'the rows of public.users do not match their checksum',
    );
  });

  it('when a section has no end line', async () => {
    expect(await refusedFor(await crafted((p) => (p.sections[1]!.end = '@ended')))).toBe(
      'the rows of public.users do not match their checksum',
    );
  });

  it('when an end line holds a negative count', async () => {
    const end = `@end ${JSON.stringify({ rows: -1, sum: '1', sha256: sha256([]) })}`;
    const file = await crafted((p) => {
      p.sections[1]!.rows = [];
      p.sections[1]!.end = end;
    });
    expect(await refusedFor(file)).toBe('the rows of public.users do not match their checksum');
  });

  it('when its last line is missing', async () => {
    expect(await refusedFor(await crafted((p) => (p.finish = '')))).toBe(
      'its last line is missing',
    );
  });

  it('when its last line counts other sections', async () => {
    expect(await refusedFor(await crafted((p) => (p.finish = '@finish {"sections":2}')))).toBe(
      'its last line is missing',
    );
  });

  it('when it goes on after its last line', async () => {
    expect(
      await refusedFor(await crafted((p) => (p.finish = '@finish {"sections":3}\nmore'))),
    ).toBe('it goes on after its last line');
  });

  it('when its organization row names another organization', async () => {
    const other = '0d5c1f1e-2b1a-4c3d-8e9f-123456789abc';
    const file = await crafted((p) => {
      p.sections[0]!.rows = [`${other}\tacme\t3`];
      p.sections[0]!.end = `@end ${JSON.stringify({ rows: 1, sum: '1', sha256: sha256(p.sections[0]!.rows) })}`;
    });
    expect(await refusedFor(file)).toBe('its organization row is not the one its manifest names');
  });

  it.each([
    ['another slug', `${ORGANIZATION_ID}\tbeta\t3`],
    ['another level', `${ORGANIZATION_ID}\tacme\t2`],
  ])('when its organization row holds %s than its manifest', async (_what, row) => {
    const file = await crafted((p) => {
      p.sections[0]!.rows = [row];
      p.sections[0]!.end = `@end ${JSON.stringify({ rows: 1, sum: '1', sha256: sha256([row]) })}`;
    });
    expect(await refusedFor(file)).toBe('its organization row is not the one its manifest names');
  });

  it('not when its organization id is written in capitals', async () => {
    const row = `${ORGANIZATION_ID.toUpperCase()}\tacme\t3`;
    const file = await crafted((p) => {
      p.sections[0]!.rows = [row];
      p.sections[0]!.end = `@end ${JSON.stringify({ rows: 1, sum: '1', sha256: sha256([row]) })}`;
    });
    expect((await checkTenantArchive(file)).fingerprints).toHaveLength(3);
  });

  it.each([
    ['no row', []],
    ['two rows', [`${ORGANIZATION_ID}\tacme\t3`, `${ORGANIZATION_ID}\tacme\t3`]],
  ])('when its organizations section holds %s', async (_what, rows: string[]) => {
    const file = await crafted((p) => {
      p.sections[0]!.rows = rows;
      p.sections[0]!.end = `@end ${JSON.stringify({ rows: rows.length, sum: '1', sha256: sha256(rows) })}`;
    });
    expect(await refusedFor(file)).toBe('its organization row is not the one its manifest names');
  });

  it.each([['id'], ['slug'], ['tenant_schema_version']])(
    'when its organizations table has no %s column',
    async (column) => {
      const columns = ORGANIZATIONS.columns.map((c) => (c === column ? 'other' : c));
      const manifest = { ...MANIFEST, publicTables: [table('organizations', columns), USERS] };
      expect(await refusedFor(await archiveFile(textOfParts(parts(manifest))))).toBe(
        'its organization row is not the one its manifest names',
      );
    },
  );

  it('when its users are of another organization', async () => {
    const row = 'u1\t0d5c1f1e-2b1a-4c3d-8e9f-123456789abc\tann@acme.test';
    const file = await crafted((p) => {
      p.sections[1]!.rows = [row];
      p.sections[1]!.end = `@end ${JSON.stringify({ rows: 1, sum: '1', sha256: sha256([row]) })}`;
    });
    expect(await refusedFor(file)).toBe('public.users holds rows of another organization');
  });

  it('when its users table has no organization_id column', async () => {
    const manifest = {
      ...MANIFEST,
      publicTables: [ORGANIZATIONS, table('users', ['id', 'org', 'email'])],
    };
    expect(await refusedFor(await archiveFile(textOfParts(parts(manifest))))).toBe(
      'public.users holds rows of another organization',
    );
  });

  it('when a row of its users has no organization at all', async () => {
    const file = await crafted((p) => {
      p.sections[1]!.rows = ['u1'];
      p.sections[1]!.end = `@end ${JSON.stringify({ rows: 1, sum: '1', sha256: sha256(['u1']) })}`;
    });
    expect(await refusedFor(file)).toBe('public.users holds rows of another organization');
  });

  it('not when a public table of no organization (the skills catalog) is among its tables', async () => {
    const manifest = {
      ...MANIFEST,
      publicTables: [ORGANIZATIONS, USERS, table('skills', ['id', 'name'])],
    };
    const file = await archiveFile(textOfParts(parts(manifest)));
    expect((await checkTenantArchive(file)).fingerprints).toHaveLength(4);
  });

  it('not when a tenant table is named as a public one it checks', async () => {
    const manifest = { ...MANIFEST, tenantTables: [table('audit_events', ['id', 'what'])] };
    const file = await archiveFile(textOfParts(parts(manifest)));
    expect((await checkTenantArchive(file)).fingerprints).toHaveLength(3);
  });

  it('saying which sections its rows add up to their recorded fingerprint', async () => {
    const file = await crafted((p) => {
      p.sections[1]!.end = `@end ${JSON.stringify({ rows: 2, sum: '12345', sha256: sha256(ROWS['public.users']!) })}`;
      p.sections[2]!.rows = ['a1\tRésumé bot', 'a2\tx\t2'];
      p.sections[2]!.end = `@end ${JSON.stringify({ ...FINGERPRINTS[2], sha256: sha256(p.sections[2]!.rows) })}`;
    });
    expect((await checkTenantArchive(file)).recomputed).toEqual([true, false, false]);
  });

  it('not when it is whole, answering its manifest and fingerprints', async () => {
    expect(await checkTenantArchive(await crafted(() => undefined))).toEqual({
      manifest: MANIFEST,
      fingerprints: FINGERPRINTS,
      recomputed: [true, true, true],
    });
  });
});

describe("an organization's archive format", () => {
  it('starts with the line FLEETPROMPT-TENANT 1, which archives already written carry', async () => {
    const text = gunzipSync(await readFile(await written())).toString('utf8');
    expect(text.split('\n')[0]).toBe('FLEETPROMPT-TENANT 1');
  });

  it('is read with a bound on its lines when none is given, 16 MiB as for a backup', async () => {
    const long = `FLEETPROMPT-TENANT 1\n${'x'.repeat(16 * 1024 * 1024 + 1)}\n`;
    expect(await refusedFor(await archiveFile(long))).toBe(
      'a line is longer than 16 MiB, more than any row',
    );
  });
});
