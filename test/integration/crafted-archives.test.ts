import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src-main/db/transfer/archive.ts';
import { FingerprintSum } from '../../src-main/db/transfer/copy-text.ts';
import { backupDatabase, restoreArchive } from '../../src-main/db/transfer/operations.ts';
import { adminHarness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

/*
 * Archives crafted by hand, each section's sha256 made valid again after the
 * change, so that only the deeper checks can find what is wrong: each is
 * refused before the first write, and the database restored into is left
 * exactly as it was (no schema, no table, no extension, no marker).
 */
const h = adminHarness('crafted');
const scratch: ScratchDatabase[] = [];
let folder = '';
let original: Archive;

interface Section {
  schema: string;
  table: string;
  rows: string[];
  end: { rows: number; sum: string; sha256: string };
}
interface Archive {
  magic: string;
  manifest: Manifest;
  sections: Section[];
}

function parse(text: string): Archive {
  const lines = text.split('\n');
  const magic = lines.shift() ?? '';
  const manifest = JSON.parse(lines.shift() ?? '') as Manifest;
  const sections: Section[] = [];
  for (;;) {
    const line = lines.shift() ?? '';
    if (!line.startsWith('@copy ')) return { magic, manifest, sections };
    const { schema, table } = JSON.parse(line.slice(6)) as { schema: string; table: string };
    const rows: string[] = [];
    for (let row = lines.shift(); row !== '\\.'; row = lines.shift()) rows.push(row ?? '');
    const end = JSON.parse((lines.shift() ?? '').slice(5)) as Section['end'];
    sections.push({ schema, table, rows, end });
  }
}

const copy = (archive: Archive): Archive => structuredClone(archive);

/** The archive as text, each section's sha256 (and, with `refingerprint`, its sum) made to match its rows. */
function seal(archive: Archive, refingerprint = true): string {
  const columns = (schema: string, table: string) => {
    const d = archive.manifest.description;
    const tenant = d.tenants.find((t) => `org_${t.slug}` === schema);
    const shape = tenant ? d.tenantShapes[tenant.shape] : d.publicTables;
    return shape?.find((t) => t.name === table)?.columns.length ?? 0;
  };
  const body = archive.sections.map(({ schema, table, rows, end }) => {
    const text = rows.map((r) => `${r}\n`).join('');
    const fingerprint = new FingerprintSum(columns(schema, table));
    if (refingerprint) for (const row of rows) fingerprint.add(row);
    const sealed = {
      ...end,
      ...(refingerprint ? fingerprint.result() : {}),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
    return `@copy ${JSON.stringify({ schema, table })}\n${text}\\.\n@end ${JSON.stringify(sealed)}\n`;
  });
  const finish = `@finish ${JSON.stringify({ sections: archive.sections.length })}`;
  return `${archive.magic}\n${JSON.stringify(archive.manifest)}\n${body.join('')}${finish}\n`;
}

async function written(name: string, contents: string | Buffer): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, typeof contents === 'string' ? gzipSync(contents) : contents);
  return file;
}

async function emptyDatabase(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(inject('serverUrl'), 'fp_crafted');
  scratch.push(db);
  return db;
}

/** Everything a restore could have left: schemas, tables, extensions, the marker included. */
async function leftovers(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select 'schema ' || nspname as name from pg_namespace
        where nspname not in ('public', 'information_schema') and nspname not like 'pg\\_%'
       union all select 'table ' || schemaname || '.' || tablename from pg_tables
        where schemaname not in ('pg_catalog', 'information_schema')
       union all select 'extension ' || extname from pg_extension where extname <> 'plpgsql'`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

async function refused(file: string, message: RegExp): Promise<void> {
  const target = await emptyDatabase();
  await expect(restoreArchive(file, target.url)).rejects.toThrow(message);
  expect(await leftovers(target.url)).toEqual([]);
}

const tenantSchema = (archive: Archive) => `org_${archive.manifest.description.tenants[0]?.slug}`;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-crafted-'));
  const org = await h.org('crafted-co', 'pro');
  await h.user(org.id, 'developer', 'someone@crafted-co.test');
  await h.ok(h.admin(), 'agents.create', {
    organizationId: org.id,
    name: 'Crafted agent',
    systemPrompt: 'Say "hello", then\ttab\\slash',
  });
  const file = join(folder, 'original.fpbackup');
  await backupDatabase(h.db.url, file);
  original = parse(gunzipSync(await readFile(file)).toString('utf8'));
});

afterAll(async () => {
  for (const db of scratch) await db.drop();
  await rm(folder, { recursive: true, force: true });
});

it('restores the sealed original, so that each refusal below is the change alone', async () => {
  const target = await emptyDatabase();
  const report = await restoreArchive(await written('sealed.fpbackup', seal(original)), target.url);
  expect(report.tenants).toBe(original.manifest.description.tenants.length);
});

describe('a crafted archive is refused before the first write', () => {
  it('a wrong fingerprint sum under a valid sha256', async () => {
    const archive = copy(original);
    const users = archive.sections.find((s) => s.table === 'users');
    users!.end.sum = String(BigInt(users!.end.sum) + 1n);
    await refused(
      await written('sum.fpbackup', seal(archive, false)),
      /the rows of public\.users do not match their recorded fingerprint\); nothing was restored/,
    );
  });

  it('a tenant named twice', async () => {
    const archive = copy(original);
    const schema = tenantSchema(archive);
    const d = archive.manifest.description;
    d.tenants.push({ ...d.tenants[0]! });
    archive.sections.push(...structuredClone(archive.sections.filter((s) => s.schema === schema)));
    await refused(
      await written('duplicate.fpbackup', seal(archive)),
      /it holds the tenant crafted-co twice/,
    );
  });

  it("a table its tenant's migrations do not create", async () => {
    const archive = copy(original);
    const schema = tenantSchema(archive);
    const d = archive.manifest.description;
    d.tenantShapes.push([
      ...d.tenantShapes[d.tenants[0]!.shape]!,
      { name: 'extra_table', columns: ['id'], identity: [] },
    ]);
    d.tenants[0]!.shape = d.tenantShapes.length - 1;
    const last = archive.sections.findLastIndex((s) => s.schema === schema);
    archive.sections.splice(last + 1, 0, {
      schema,
      table: 'extra_table',
      rows: ['1'],
      end: { rows: 1, sum: '0', sha256: '' },
    });
    await refused(
      await written('extra-table.fpbackup', seal(archive)),
      /org_crafted-co has a table extra_table its migrations do not create\. Nothing was written/,
    );
  });

  it('without the users table', async () => {
    const archive = copy(original);
    const d = archive.manifest.description;
    d.publicTables = d.publicTables.filter((t) => t.name !== 'users');
    archive.sections = archive.sections.filter((s) => s.table !== 'users');
    await refused(
      await written('missing-table.fpbackup', seal(archive)),
      /public lacks the table users/,
    );
  });

  it('a column its migrations do not create', async () => {
    const archive = copy(original);
    const d = archive.manifest.description;
    d.publicTables.find((t) => t.name === 'skills')!.columns.push('extra_column');
    const skills = archive.sections.find((s) => s.table === 'skills')!;
    skills.rows = skills.rows.map((r) => `${r}\tx`);
    await refused(
      await written('extra-column.fpbackup', seal(archive)),
      /public\.skills has the column\(s\) extra_column too many/,
    );
  });

  it('a line that inflates past the bound', async () => {
    const archive = copy(original);
    const head = `${archive.magic}\n${JSON.stringify(archive.manifest)}\n@copy {"schema":"public","table":"organizations"}\n`;
    const file = await written(
      'inflated.fpbackup',
      Buffer.concat([gzipSync(head), gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x61))]),
    );
    await refused(file, /a line is longer than 16 MiB/);
  });

  it('a stream cut short', async () => {
    const whole = gzipSync(seal(original));
    await refused(
      await written('cut.fpbackup', whole.subarray(0, whole.length - 40)),
      /compressed data is damaged: unexpected end of file|it ends inside|last line is missing/,
    );
  });
});

it('prints the source an archive names without its control characters', async () => {
  const archive = copy(original);
  archive.manifest.source = 'the office server\u001b]0;pwned\u0007\u001b[2J';
  archive.manifest.description.publicTables = archive.manifest.description.publicTables.filter(
    (t) => t.name !== 'users',
  );
  archive.sections = archive.sections.filter((s) => s.table !== 'users');
  const target = await emptyDatabase();
  const error = await restoreArchive(
    await written('escapes.fpbackup', seal(archive)),
    target.url,
  ).catch((e: unknown) => e as Error);
  expect((error as Error).message).toContain('the backup of the office server]0;pwned[2J made');
  expect((error as Error).message).not.toMatch(/\p{Cc}/u);
});
