import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { isValidSlug } from '../../../src-shared/domain/slug.ts';
import { maskUrlsIn } from '../connection-string.ts';
import { schemasOf, type Description, type TableShape } from './describe.ts';
import { archiveWriter, END_OF_DATA, sectionDigest, sectionText } from './archive-lines.ts';
import { gzipLines } from './bounded-lines.ts';
import { FingerprintSum } from './copy-text.ts';
import { printable } from './printable.ts';
import type { TransferSource } from './source.ts';
import type { Fingerprint } from './tables.ts';

/*
 * One backup = one gzip stream of lines:
 *
 *   FLEETPROMPT-BACKUP 1
 *   {manifest: app, created, source, description (levels, tables, tenants, sequences)}
 *   @copy {"schema","table"}      then the table's rows as COPY text, then \.
 *   @end {"rows","sum","sha256"}  the snapshot's fingerprint and the hash of the rows' text
 *   …
 *   @finish {"sections"}
 *
 * COPY text escapes newlines inside values, so each row is one line and a
 * line `\.` cannot be data. A restore reads the whole archive once to check
 * gzip's CRC, every section's hash and the final line before it writes
 * anything: a damaged or cut archive is refused and nothing is written.
 */

const MAGIC = 'FLEETPROMPT-BACKUP 1';

export interface Manifest {
  app: string;
  createdAt: string;
  source: string;
  description: Description;
}

const shape = z.object({
  name: z.string().min(1).max(63),
  columns: z.array(z.string().min(1).max(63)).min(1),
  identity: z.array(z.string()),
});

/**
 * What a manifest must hold before anything of it reaches SQL: names are
 * quoted wherever they are used, slugs must be slugs, levels counts.
 */
const manifestSchema = z
  .object({
    app: z.string(),
    createdAt: z.string(),
    source: z.string(),
    description: z.object({
      publicMigrations: z.array(z.string()),
      publicTables: z.array(shape),
      tenantShapes: z.array(z.array(shape)),
      tenants: z.array(
        z.object({
          slug: z.string().refine(isValidSlug),
          level: z.number().int().min(0),
          shape: z.number().int().min(0),
        }),
      ),
      sequences: z.array(
        z.object({
          table: z.string(),
          column: z.string(),
          value: z
            .string()
            .regex(/^-?\d{1,19}$/)
            .nullable(),
        }),
      ),
    }),
  })
  .refine((m) => m.description.tenants.every((t) => t.shape < m.description.tenantShapes.length));

export class DamagedArchiveError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a complete FleetPrompt backup (${reason}); nothing was restored.`);
    this.name = 'DamagedArchiveError';
  }
}

/** Every (schema, table) of a description, in the one order copies use. */
function sectionsOf(description: Description): { schema: string; table: TableShape }[] {
  return schemasOf(description).flatMap(({ schema, tables }) =>
    tables.map((table) => ({ schema, table })),
  );
}
export interface ArchiveProgress {
  sections: number;
  sectionsTotal: number;
  rows: number;
}

/**
 * Writes the source to `file` (mode 0600) through `file.partial`, renamed
 * only when complete: a backup cut short never looks like a backup.
 */
export async function writeArchive(
  source: TransferSource,
  file: string,
  options: { app: string; onProgress?: (p: ArchiveProgress) => void },
): Promise<{ file: string; bytes: number; sections: number; rows: number }> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const writer = archiveWriter(out);
  const sections = sectionsOf(source.description);
  let rows = 0;
  try {
    const manifest: Manifest = {
      app: options.app,
      createdAt: new Date().toISOString(),
      source: maskUrlsIn(source.label),
      description: source.description,
    };
    await writer.write(`${MAGIC}\n${JSON.stringify(manifest)}\n`);
    let done = 0;
    for (const { schema, tables } of schemasOf(source.description)) {
      const fingerprints = await source.snapshot(schema, tables);
      for (const [i, table] of tables.entries()) {
        const fingerprint = fingerprints[i];
        if (!fingerprint) throw new Error(`No fingerprint for ${schema}.${table.name}`);
        await writer.section(schema, table.name, await source.rows(schema, table), fingerprint);
        rows += fingerprint.rows;
        done += 1;
        options.onProgress?.({ sections: done, sectionsTotal: sections.length, rows });
      }
    }
    await writer.finish(sections.length);
    await rename(partial, file);
  } catch (error) {
    writer.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return { file, bytes: out.bytesWritten, sections: sections.length, rows };
}

const lines = (file: string): AsyncIterator<string> => gzipLines(file);

function tagged(line: string | undefined, tag: string): unknown {
  if (line === undefined || !line.startsWith(`${tag} `)) return undefined;
  try {
    return JSON.parse(line.slice(tag.length + 1)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What a well-formed manifest may still get wrong, found before any row is
 * read: a tenant named twice, a table or column named twice, a sequence of
 * no identity column.
 */
function manifestProblem(description: Description): string | null {
  const slugs = new Set<string>();
  for (const { slug } of description.tenants) {
    if (slugs.has(slug)) return `it holds the tenant ${slug} twice`;
    slugs.add(slug);
  }
  const shapes = [description.publicTables, ...description.tenantShapes];
  for (const tables of shapes) {
    const names = new Set<string>();
    for (const table of tables) {
      if (names.has(table.name)) return `it holds the table ${table.name} twice`;
      names.add(table.name);
      if (new Set(table.columns).size !== table.columns.length)
        return `the table ${table.name} names a column twice`;
      if (!table.identity.every((c) => table.columns.includes(c)))
        return `the table ${table.name} numbers a column it does not have`;
    }
  }
  for (const s of description.sequences) {
    const table = description.publicTables.find((t) => t.name === s.table);
    if (!table?.identity.includes(s.column))
      return `it sets a sequence for ${s.table}.${s.column}, which is no identity column`;
  }
  return null;
}

const sectionKey = (schema: string, table: string) => `${schema}\u0000${table}`;

/**
 * Reads the whole archive once and checks it; answers its manifest and each
 * section's recorded fingerprint. Any damage throws DamagedArchiveError.
 */
async function checkArchive(
  file: string,
): Promise<{ manifest: Manifest; fingerprints: Map<string, Fingerprint> }> {
  const damaged = (reason: string) => new DamagedArchiveError(file, reason);
  const it = lines(file);
  const next = async () => {
    try {
      const r = await it.next();
      return r.done ? undefined : r.value;
    } catch (error) {
      throw damaged(error instanceof Error ? error.message : String(error));
    }
  };
  if ((await next()) !== MAGIC) throw damaged('it does not start as one');
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse((await next()) ?? '')) as Manifest;
  } catch {
    throw damaged('its manifest cannot be read');
  }
  const problem = manifestProblem(manifest.description);
  if (problem) throw damaged(problem);
  const expected = sectionsOf(manifest.description);
  const fingerprints = new Map<string, Fingerprint>();
  for (const { schema, table } of expected) {
    const header = tagged(await next(), '@copy') as { schema?: string; table?: string } | undefined;
    if (header?.schema !== schema || header.table !== table.name)
      throw damaged(`the section for ${schema}.${table.name} is missing`);
    const digest = sectionDigest();
    const fingerprint = new FingerprintSum(table.columns.length);
    for (;;) {
      const line = await next();
      if (line === undefined) throw damaged(`it ends inside ${schema}.${table.name}`);
      if (line === END_OF_DATA) break;
      digest.line(line);
      try {
        fingerprint.add(line);
      } catch (error) {
        throw damaged(
          `a row of ${schema}.${table.name} cannot be read: ${(error as Error).message}`,
        );
      }
    }
    const end = tagged(await next(), '@end') as (Fingerprint & { sha256: string }) | undefined;
    const found = fingerprint.result();
    if (!end || end.sha256 !== digest.hex() || end.rows !== found.rows)
      throw damaged(`the rows of ${schema}.${table.name} do not match their checksum`);
    if (end.sum !== found.sum)
      throw damaged(`the rows of ${schema}.${table.name} do not match their recorded fingerprint`);
    fingerprints.set(sectionKey(schema, table.name), found);
  }
  const finish = tagged(await next(), '@finish') as { sections?: number } | undefined;
  if (finish?.sections !== expected.length) throw damaged('its last line is missing');
  if ((await next()) !== undefined) throw damaged('it goes on after its last line');
  return { manifest, fingerprints };
}

/** A checked archive as the source of a restore (read a second time, in order). */
export async function openArchiveSource(
  file: string,
): Promise<TransferSource & { manifest: Manifest }> {
  const checked = await checkArchive(file);
  const { fingerprints } = checked;
  // an archive made by an older version may name its source with a password; any may hold escapes
  const manifest = {
    ...checked.manifest,
    app: printable(checked.manifest.app),
    createdAt: printable(checked.manifest.createdAt),
    source: printable(maskUrlsIn(checked.manifest.source)),
  };
  const it = lines(file);
  const next = async () => {
    const r = await it.next();
    if (r.done) throw new DamagedArchiveError(file, 'it changed while being restored');
    return r.value;
  };
  await next();
  await next();
  const recorded = (schema: string, tables: TableShape[]) =>
    Promise.resolve(
      tables.map(
        (t) => fingerprints.get(sectionKey(schema, t.name)) ?? { rows: -1, sum: 'absent' },
      ),
    );
  const rows = async (schema: string, table: TableShape): Promise<Readable> => {
    const header = tagged(await next(), '@copy') as { schema?: string; table?: string };
    if (header.schema !== schema || header.table !== table.name)
      throw new Error(`Restore asked for ${schema}.${table.name} out of the archive's order`);
    // next() throws at the end of the file itself
    return sectionText(
      next,
      () => new DamagedArchiveError(file, 'it changed while being restored'),
    );
  };
  return {
    label: `the backup of ${manifest.source} made ${manifest.createdAt} by FleetPrompt ${manifest.app}`,
    description: manifest.description,
    manifest,
    rows,
    skip: async (schema, table) => {
      for await (const chunk of await rows(schema, table)) void chunk;
    },
    snapshot: recorded,
    expected: recorded,
    close: async () => {
      await it.return?.();
    },
  };
}
