import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { isValidSlug, tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { maskUrlsIn } from '../connection-string.ts';
import {
  ARCHIVE_LINE_BOUNDS,
  DamagedCompressionError,
  gzipLines,
  LineBoundError,
  type LineBounds,
} from './bounded-lines.ts';
import { archiveWriter, END_OF_DATA, sectionDigest, sectionText } from './archive-lines.ts';
import { CopyTextError, FingerprintSum } from './copy-text.ts';
import type { TableShape } from './describe.ts';
import { printable } from './printable.ts';
import type { Fingerprint } from './tables.ts';

/*
 * One organization's archive: the whole-database backup's format (archive.ts)
 * under its own first line, so that neither restore mistakes one for the
 * other. A gzip stream of lines:
 *
 *   FLEETPROMPT-TENANT 1
 *   {manifest: app, created, source, organization, levels, the sections' tables}
 *   @copy {"schema","table"}      then the section's rows as COPY text, then \.
 *   @end {"rows","sum","sha256"}  the rows' fingerprint in the export's snapshot, and their hash
 *   …
 *   @finish {"sections"}
 *
 * Public sections hold the organization's rows only (its row, its users,
 * its agent index, its skill usage, its audit events, the catalog skills
 * its agents use); tenant sections hold the whole of its schema's tables.
 * Read as bounded lines (bounded-lines.ts): a crafted archive is refused,
 * never held in memory.
 */

export const TENANT_MAGIC = 'FLEETPROMPT-TENANT 1';

/** The public tables an organization's archive holds rows of, in the order they are written and restored. */
export const TENANT_PUBLIC_TABLES = [
  'organizations',
  'users',
  'skills',
  'agent_index',
  'skill_usage',
  'audit_events',
] as const;
export type TenantPublicTable = (typeof TENANT_PUBLIC_TABLES)[number];

export interface TenantManifest {
  app: string;
  createdAt: string;
  /** The database exported from, masked. */
  source: string;
  organization: { id: string; slug: string; name: string };
  /** Tenant migrations applied to its schema. */
  level: number;
  /** Public migrations applied to the source, in order. */
  publicMigrations: string[];
  /** TENANT_PUBLIC_TABLES with the columns the source had. */
  publicTables: TableShape[];
  /** The tenant schema's tables in foreign-key order. */
  tenantTables: TableShape[];
}

const NAME = z.string().min(1).max(63);
const shape = z.strictObject({
  name: NAME,
  columns: z.array(NAME).min(1).max(200),
  identity: z.array(NAME).max(200),
});
const manifestSchema = z.strictObject({
  app: z.string().max(100),
  createdAt: z.string().max(100),
  source: z.string().max(2000),
  organization: z.strictObject({
    id: z.uuid(),
    slug: z.string().refine(isValidSlug),
    name: z.string().min(1).max(200),
  }),
  level: z.number().int().min(0).max(10_000),
  publicMigrations: z.array(z.string().max(255)).max(10_000),
  publicTables: z.array(shape).max(TENANT_PUBLIC_TABLES.length),
  tenantTables: z.array(shape).max(100),
});

/** One organization's archive inflates to far less than a whole database's. */
export const TENANT_LINE_BOUNDS: LineBounds = {
  ...ARCHIVE_LINE_BOUNDS,
  maxInflatedBytes: 8 * 1024 * 1024 * 1024,
};

/**
 * What an import answers for a file that cannot even be inflated: zlib's
 * words ("incorrect header check") say nothing to the person who chose it,
 * and a file of another kind and a damaged export look alike at that point.
 */
export const UNREADABLE_TENANT_ARCHIVE =
  'This file is not an organization export, or it is damaged.';

export class DamagedTenantArchiveError extends Error {
  /** Without a reason, the file is no gzip stream or a damaged one. */
  constructor(reason?: string) {
    super(
      reason === undefined
        ? UNREADABLE_TENANT_ARCHIVE
        : `The file is not a complete FleetPrompt organization archive (${reason}); nothing was imported.`,
    );
    this.name = 'DamagedTenantArchiveError';
  }
}

/** Each section of an archive, in the one order it is written and read: public, then the tenant's. */
export function sectionsOf(manifest: TenantManifest): { schema: string; table: TableShape }[] {
  const schema = tenantSchemaName(manifest.organization.slug);
  return [
    ...manifest.publicTables.map((table) => ({ schema: 'public', table })),
    ...manifest.tenantTables.map((table) => ({ schema, table })),
  ];
}

/** What the writer needs of each section: its rows as COPY text, and their fingerprint in the same snapshot. */
export interface SectionSource {
  fingerprints(): Promise<Fingerprint[]>;
  rows(schema: string, table: TableShape): Promise<Readable>;
}

/** Writes the archive into `out`, leaving it open; answers the sections and rows written. */
export async function writeTenantArchive(
  out: Writable,
  manifest: TenantManifest,
  source: SectionSource,
): Promise<{ sections: number; rows: number }> {
  const writer = archiveWriter(out, { end: false });
  const sections = sectionsOf(manifest);
  const fingerprints = await source.fingerprints();
  let rows = 0;
  try {
    await writer.write(
      `${TENANT_MAGIC}\n${JSON.stringify({ ...manifest, source: maskUrlsIn(manifest.source) })}\n`,
    );
    for (const [i, { schema, table }] of sections.entries()) {
      const fingerprint = fingerprints[i];
      if (!fingerprint) throw new Error(`No fingerprint for ${schema}.${table.name}`);
      await writer.section(schema, table.name, await source.rows(schema, table), fingerprint);
      rows += fingerprint.rows;
    }
    await writer.finish(sections.length);
  } catch (error) {
    writer.destroy();
    throw error;
  }
  return { sections: sections.length, rows };
}

const TAGGED = z.union([
  z.strictObject({ schema: z.string(), table: z.string() }),
  z.strictObject({
    rows: z.number().int().min(0),
    sum: z.string().max(40),
    sha256: z.string().max(64),
  }),
  z.strictObject({ sections: z.number().int().min(0) }),
]);

/** A reader over the archive's lines, in order, that turns every failure into DamagedTenantArchiveError. */
function reader(file: string, bounds: LineBounds) {
  const it = gzipLines(file, bounds);
  const next = async (): Promise<string | undefined> => {
    try {
      const r = await it.next();
      return r.done ? undefined : r.value;
    } catch (error) {
      if (error instanceof DamagedCompressionError) throw new DamagedTenantArchiveError();
      if (error instanceof LineBoundError) throw new DamagedTenantArchiveError(error.message);
      throw new DamagedTenantArchiveError(
        printable(error instanceof Error ? error.message : String(error)),
      );
    }
  };
  const tagged = async <T>(tag: string): Promise<T | undefined> => {
    const line = await next();
    if (line === undefined || !line.startsWith(`${tag} `)) return undefined;
    try {
      return TAGGED.parse(JSON.parse(line.slice(tag.length + 1))) as T;
    } catch {
      return undefined;
    }
  };
  return { next, tagged, close: async () => void (await it.return(undefined)) };
}

/**
 * Reads the whole archive once and checks it: its first line, its manifest,
 * each section in the manifest's order with its rows' hash and count, the
 * last line and nothing after it. Answers the manifest and each section's
 * recorded fingerprint, in section order, and whether its rows, as COPY
 * text, add up to that fingerprint (copy-text.ts): a database's figure, so
 * an import names a mismatch where its own checks would have met it.
 */
export async function checkTenantArchive(
  file: string,
  bounds: LineBounds = TENANT_LINE_BOUNDS,
): Promise<{ manifest: TenantManifest; fingerprints: Fingerprint[]; recomputed: boolean[] }> {
  const damaged = (reason: string) => new DamagedTenantArchiveError(reason);
  const lines = reader(file, bounds);
  try {
    if ((await lines.next()) !== TENANT_MAGIC) throw damaged('it does not start as one');
    const second = (await lines.next()) ?? '';
    let manifest: TenantManifest;
    try {
      manifest = manifestSchema.parse(JSON.parse(second));
    } catch {
      throw damaged('its manifest cannot be read');
    }
    const fingerprints: Fingerprint[] = [];
    const recomputed: boolean[] = [];
    const owner = organizationCheck(manifest);
    for (const { schema, table } of sectionsOf(manifest)) {
      const ownedBy = schema === 'public' ? owner(table) : undefined;
      const name = printable(`${schema}.${table.name}`);
      const header = await lines.tagged<{ schema: string; table: string }>('@copy');
      if (header?.schema !== schema || header.table !== table.name)
        throw damaged(`the section for ${name} is missing`);
      const digest = sectionDigest();
      const sum = new FingerprintSum(table.columns.length);
      let readable = true;
      let rows = 0;
      for (;;) {
        const line = await lines.next();
        if (line === undefined) throw damaged(`it ends inside ${name}`);
        if (line === END_OF_DATA) break;
        digest.line(line);
        rows += 1;
        ownedBy?.row(line);
        if (readable)
          try {
            sum.add(line);
          } catch (error) {
            if (!(error instanceof CopyTextError)) throw error;
            readable = false;
          }
      }
      const end = await lines.tagged<Fingerprint & { sha256: string }>('@end');
      if (!end || end.sha256 !== digest.hex() || end.rows !== rows)
        throw damaged(`the rows of ${name} do not match their checksum`);
      ownedBy?.end(rows);
      fingerprints.push({ rows: end.rows, sum: end.sum });
      const found = sum.result();
      recomputed.push(readable && found.rows === end.rows && found.sum === end.sum);
    }
    const finish = await lines.tagged<{ sections: number }>('@finish');
    if (finish?.sections !== fingerprints.length) throw damaged('its last line is missing');
    if ((await lines.next()) !== undefined) throw damaged('it goes on after its last line');
    return {
      manifest: { ...manifest, source: maskUrlsIn(manifest.source) },
      fingerprints,
      recomputed,
    };
  } finally {
    await lines.close();
  }
}

/**
 * Every public row must be the one organization's: its row the one the
 * manifest names (id, slug, level), its users', agents', usage and events'
 * organization_id that id. Checked as the archive is read, on the raw
 * fields (ids and slugs hold no escapes), so that an import refuses them
 * before its first write.
 */
function organizationCheck(manifest: TenantManifest) {
  const { id, slug } = manifest.organization;
  const wrongRow = () =>
    new DamagedTenantArchiveError('its organization row is not the one its manifest names');
  return (table: TableShape): { row(line: string): void; end(rows: number): void } | undefined => {
    const at = (column: string) => table.columns.indexOf(column);
    if (table.name === 'organizations') {
      const [i, s, l] = [at('id'), at('slug'), at('tenant_schema_version')];
      return {
        row: (line) => {
          const fields = line.split('\t');
          if (
            i < 0 ||
            s < 0 ||
            l < 0 ||
            fields[i]?.toLowerCase() !== id.toLowerCase() ||
            fields[s] !== slug ||
            fields[l] !== String(manifest.level)
          )
            throw wrongRow();
        },
        end: (rows) => {
          if (rows !== 1) throw wrongRow();
        },
      };
    }
    if (!(['users', 'agent_index', 'skill_usage', 'audit_events'] as string[]).includes(table.name))
      return undefined;
    const o = at('organization_id');
    return {
      row: (line) => {
        if (o < 0 || line.split('\t')[o]?.toLowerCase() !== id.toLowerCase())
          throw new DamagedTenantArchiveError(
            `public.${table.name} holds rows of another organization`,
          );
      },
      end: () => undefined,
    };
  };
}

/** A checked archive, read a second time section by section in its order. */
export interface OpenTenantArchive {
  manifest: TenantManifest;
  /** Each section's recorded fingerprint, in section order. */
  fingerprints: Fingerprint[];
  /** Whether each section's rows add up to its recorded fingerprint. */
  recomputed: boolean[];
  /** The next section's rows as COPY text; it must be the one named. */
  rows(schema: string, table: TableShape): Promise<Readable>;
  close(): Promise<void>;
}

export async function openTenantArchive(
  file: string,
  bounds: LineBounds = TENANT_LINE_BOUNDS,
): Promise<OpenTenantArchive> {
  const checked = await checkTenantArchive(file, bounds);
  const lines = reader(file, bounds);
  const changed = () => new DamagedTenantArchiveError('it changed while being read');
  await lines.next();
  await lines.next();
  return {
    ...checked,
    rows: async (schema, table) => {
      const header = await lines.tagged<{ schema: string; table: string }>('@copy');
      if (header?.schema !== schema || header.table !== table.name) throw changed();
      return sectionText(lines.next, changed);
    },
    close: lines.close,
  };
}
