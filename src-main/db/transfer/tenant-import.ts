import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PUBLIC_MIGRATIONS } from '../../../migrations/public/index.ts';
import { TENANT_MIGRATIONS } from '../../../migrations/tenant/index.ts';
import type { TransferProgress } from '../../../src-shared/channels.ts';
import { AGENT_STATUSES } from '../../../src-shared/domain/agent-machine.ts';
import { isValidSlug, tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { CHANGE_CHANNEL } from '../change-listener.ts';
import { checkServerVersion } from '../connection.ts';
import { quoteIdent, quoteLiteral } from '../identifiers.ts';
import { openOrm } from '../orm.ts';
import {
  LEDGER_TABLE,
  freshSchemaStatements,
  tenantMigrationScripts,
  type TenantMigrationScript,
} from '../tenant-migrator.ts';
import type { LineBounds } from './bounded-lines.ts';
import type { TableShape } from './describe.ts';
import { CloneIds } from './clone-ids.ts';
import { copyField, FingerprintSum, unescapeField } from './copy-text.ts';
import { MARKER_TABLES } from './marker.ts';
import {
  connectForTransfer,
  fingerprintColumns,
  fingerprintsOfMany,
  type Fingerprint,
} from './tables.ts';
import { printable } from './printable.ts';
import {
  DamagedTenantArchiveError,
  openTenantArchive,
  sectionsOf,
  TENANT_PUBLIC_TABLES,
  type OpenTenantArchive,
  type TenantManifest,
} from './tenant-archive.ts';
import { describeTables } from './tenant-export.ts';
import { TenantImportError } from './tenant-import-error.ts';

/*
 * One organization's archive into a database, in one transaction: all of
 * it or nothing. The archive is read whole and checked first, before the
 * target is touched: its hashes, every section's fingerprint recomputed
 * from its COPY text (copy-text.ts), its public rows all the one
 * organization's. Then it is read again and each section streams straight
 * into its table, each row rewritten on the way (a clone's ids, emails and
 * confirmations; the organization's status counters at zero, so that the
 * agent index's own triggers count them again), the rows of users, skills
 * and agents checked against the target batch by batch before they are
 * written; and once everything is in, every table is compared with the
 * fingerprint of what was sent, in one query. No staging tables: making
 * and dropping ten of them cost more than the rest of a small import. Any
 * difference rolls the whole import back.
 *
 * Restored as it was (the organization must be absent: its id, its slug,
 * its users' ids and emails, its agents), or, with `as`, cloned beside the
 * live one: fresh ids for the organization, its users, its agents and
 * their history; the name "<name> (clone <new slug>)"; each email made
 * unique as local+<new slug>@domain; every user unconfirmed.
 */

export { TenantImportError };

export interface TenantImportOptions {
  /** A clone under this new slug, beside the organization the archive was made from. */
  as?: string;
  /** For the tenant migrations' SQL; without it an ORM is opened on the target for a moment. */
  em?: EntityManager;
  onProgress?: (progress: TransferProgress) => void;
  bounds?: LineBounds;
}

export interface TenantImportReport {
  organizationId: string;
  slug: string;
  name: string;
  clone: boolean;
  users: number;
  agents: number;
  tables: number;
  rows: number;
  seconds: number;
}

/** The email a clone gives a user: local+<slug>@domain. */
export function cloneEmail(email: string, slug: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}+${slug}${email.slice(at)}`;
}

/** The name a clone is given: "<name> (clone <slug>)", within the 200 characters a name may have. */
export function cloneName(name: string, slug: string): string {
  const suffix = ` (clone ${slug})`;
  return `${name.slice(0, 200 - suffix.length)}${suffix}`;
}

const PUBLIC_NAMES = PUBLIC_MIGRATIONS.map((m) => m.name);
const UNIQUE_VIOLATION = '23505';

/** What can be known from the archive alone: refused before the target is touched. */
function checkManifest(manifest: TenantManifest, as: string | undefined): void {
  const names = manifest.publicTables.map((t) => t.name);
  if (names.join() !== TENANT_PUBLIC_TABLES.join())
    throw new DamagedTenantArchiveError(
      `its public tables are ${printable(names.join(', '))}, not ${TENANT_PUBLIC_TABLES.join(', ')}`,
    );
  for (const table of [...manifest.publicTables, ...manifest.tenantTables])
    if (table.identity.some((c) => !table.columns.includes(c)))
      throw new DamagedTenantArchiveError(`the columns of ${printable(table.name)} do not add up`);
  const known = manifest.publicMigrations.every((name, i) => PUBLIC_NAMES[i] === name);
  if (!known || manifest.level > TENANT_MIGRATIONS.length)
    throw new TenantImportError(
      'The archive was made by a newer FleetPrompt (it holds migrations this one does not know). ' +
        'Update FleetPrompt, then import again.',
    );
  if (as !== undefined && !isValidSlug(as))
    throw new TenantImportError(`"${printable(as)}" is not a valid slug.`);
  if (as === manifest.organization.slug)
    throw new TenantImportError(
      'A clone needs a slug of its own: give another one than the archive’s.',
    );
}

async function count(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select (${sql})::int as n`, params);
  return rows[0]?.n ?? 0;
}

/** Compares fingerprints, naming each table whose differ. */
function differences(names: string[], want: Fingerprint[], have: Fingerprint[]): string[] {
  return names.filter((_, i) => want[i]?.rows !== have[i]?.rows || want[i]?.sum !== have[i]?.sum);
}

/** The public ledger and every public migration up to the archive's level, for an empty target. */
async function migratePublic(client: pg.ClientBase, scripts: TenantMigrationScript[]) {
  const statements = [
    `create table public.${LEDGER_TABLE} (id serial primary key, name varchar(255) not null, ` +
      'executed_at timestamptz(6) not null default current_timestamp(6))',
    'set local search_path to public',
    ...scripts.flatMap(({ name, sql }) => [
      ...sql,
      `insert into public.${LEDGER_TABLE} (name) values (${quoteLiteral(name)})`,
    ]),
  ];
  await client.query(statements.join(';\n'));
  await client.query('reset search_path');
}

async function migrationScripts(
  url: string,
  em: EntityManager | undefined,
  manifest: TenantManifest,
): Promise<{ publicScripts: TenantMigrationScript[]; tenantScripts: TenantMigrationScript[] }> {
  const make = async (from: EntityManager) => ({
    publicScripts: await tenantMigrationScripts(
      from,
      PUBLIC_MIGRATIONS.slice(0, manifest.publicMigrations.length),
    ),
    tenantScripts: await tenantMigrationScripts(from, TENANT_MIGRATIONS.slice(0, manifest.level)),
  });
  if (em) return make(em.fork());
  const orm = await openOrm(url, { poolMax: 1 });
  try {
    return await make(orm.em.fork());
  } finally {
    await orm.close(true);
  }
}

/**
 * Imports the archive at `file` into the database at `url` (see above).
 * Refusals are TenantImportError or DamagedTenantArchiveError; nothing is
 * written by a refused or failed import.
 */
export async function importTenant(
  file: string,
  url: string,
  options: TenantImportOptions = {},
): Promise<TenantImportReport> {
  const started = performance.now();
  const progress = (phase: TransferProgress['phase'], rows = 0) =>
    options.onProgress?.({
      phase,
      tenantsDone: phase === 'done' ? 1 : 0,
      tenantsTotal: 1,
      rows,
      elapsedMs: performance.now() - started,
    });
  progress('checking');
  const archive = await openTenantArchive(file, options.bounds);
  try {
    const { manifest } = archive;
    checkManifest(manifest, options.as);
    const mismatched = manifest.publicTables.filter((_, i) => archive.recomputed[i] !== true);
    if (mismatched.length > 0)
      throw new DamagedTenantArchiveError(
        `the rows of ${mismatched.map((t) => `public.${printable(t.name)}`).join(', ')} do not match their fingerprint`,
      );
    const scripts = await migrationScripts(url, options.em, manifest);
    const client = await connectForTransfer(url);
    try {
      // what the target is, in one round trip: an import's time is mostly round trips and the schema
      const { rows } = await client.query<{
        num: string;
        version: string;
        marker: boolean;
        holdsData: boolean;
      }>(
        `select current_setting('server_version_num') as num, current_setting('server_version') as version,
                to_regclass('public.${MARKER_TABLES[0]}') is not null as marker,
                to_regclass('public.organizations') is not null as "holdsData"`,
      );
      const target = rows[0];
      checkServerVersion(Number(target?.num ?? 0), target?.version ?? 'unknown');
      if (target?.marker)
        throw new TenantImportError(
          'The target holds an unfinished copy of a whole database; finish it or roll it back first.',
        );
      await client.query('begin');
      try {
        const report = await importInto(
          client,
          archive,
          scripts,
          { ...options, holdsData: target?.holdsData ?? false },
          progress,
        );
        await client.query('commit');
        progress('done', report.rows);
        return { ...report, seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        // two imports of one slug at once: the second waits for the first, then finds it taken
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION)
          throw new TenantImportError(
            'The target gained an organization, user or agent with the same slug, email or id during the import; nothing was imported.',
          );
        throw error;
      }
    } finally {
      // the report does not wait for the server to close the connection
      void client.end().catch(() => undefined);
    }
  } finally {
    await archive.close();
  }
}

/** A section's rows as they arrive: whole lines of COPY text, in batches of about 64 KiB. */
async function* lineBatches(rows: Readable): AsyncGenerator<string[]> {
  for await (const chunk of rows) {
    const lines = String(chunk).split('\n');
    lines.pop();
    yield lines;
  }
}

/** COPY text, lines of rows, into a table (the archive's fields, rewritten). */
async function copyText(
  client: pg.ClientBase,
  sql: string,
  text: AsyncIterable<string> | string[],
): Promise<void> {
  await pipeline(Readable.from(text), client.query(copyFrom(sql)));
}

/**
 * What becomes of one section's rows: each row's fields (the archive's
 * columns, COPY text) rewritten as they go in, or null to leave it out, and
 * what verification expects to read back where that differs (counters the
 * target's triggers recount). Identity columns are neither sent nor compared.
 */
interface Landing {
  table: TableShape;
  into: string;
  rewrite(fields: string[]): { sent: string[]; expected?: string[] } | null;
}

class LandedSection {
  readonly expected: FingerprintSum;
  readonly copySql: string;
  private readonly keep: number[];
  private readonly landing: Landing;

  constructor(landing: Landing) {
    this.landing = landing;
    const { table } = landing;
    this.keep = table.columns.flatMap((c, i) => (table.identity.includes(c) ? [] : [i]));
    this.expected = new FingerprintSum(this.keep.length);
    const columns = this.keep.map((i) => quoteIdent(table.columns[i] ?? ''));
    this.copySql = `copy ${landing.into} (${columns.join(', ')}) from stdin`;
  }

  /** The lines to send for a batch of the archive's lines, each counted in what is expected. */
  lines(lines: string[]): string[] {
    const out: string[] = [];
    for (const line of lines) {
      // as many fields as columns: the archive's first reading recomputed its fingerprint
      const fields = line.split('\t');
      const row = this.landing.rewrite(fields);
      if (!row) continue;
      const sent = this.keep.map((i) => row.sent[i] ?? '\\N').join('\t');
      this.expected.add(row.expected ? this.keep.map((i) => row.expected?.[i]).join('\t') : sent);
      out.push(sent);
    }
    return out;
  }
}

async function importInto(
  client: pg.ClientBase,
  archive: OpenTenantArchive,
  scripts: { publicScripts: TenantMigrationScript[]; tenantScripts: TenantMigrationScript[] },
  options: TenantImportOptions & { holdsData: boolean },
  phase: (phase: TransferProgress['phase']) => void,
): Promise<Omit<TenantImportReport, 'seconds'>> {
  const { manifest } = archive;
  const clone = options.as !== undefined;
  const slug = options.as ?? manifest.organization.slug;
  const schema = tenantSchemaName(slug);
  const sections = sectionsOf(manifest);
  const publicCount = manifest.publicTables.length;
  const indexOf = (name: string) => TENANT_PUBLIC_TABLES.indexOf(name as never);

  const { holdsData } = options;
  if (holdsData) {
    const { rows: ledger } = await client.query<{ name: string }>(
      `select name from public.${LEDGER_TABLE} order by id`,
    );
    const names = ledger.map((r) => r.name);
    if (!manifest.publicMigrations.every((name, i) => names[i] === name))
      throw new TenantImportError(
        'The target is at an older FleetPrompt version than the archive: open it with this FleetPrompt first, then import.',
      );
  } else {
    if ((await count(client, `select count(*) from pg_namespace where nspname like 'org\\_%'`)) > 0)
      throw new TenantImportError('The target holds tenant schemas but no FleetPrompt data.');
    await migratePublic(client, scripts.publicScripts);
  }
  const { shapes, uuids: publicUuids } = await describeTables(
    client,
    'public',
    TENANT_PUBLIC_TABLES,
  );
  for (const table of manifest.publicTables) {
    const there = shapes.find((t) => t.name === table.name);
    const missing = table.columns.filter((c) => !there?.columns.includes(c));
    if (holdsData && missing.length > 0)
      throw new DamagedTenantArchiveError(
        `public.${table.name} has columns no FleetPrompt version makes: ${printable(missing.join(', '))}`,
      );
    if (!holdsData && there?.columns.join() !== table.columns.join())
      throw new DamagedTenantArchiveError(
        `public.${table.name} is not what the archive's migrations make`,
      );
  }

  // what the target must not have already
  const id = manifest.organization.id;
  const taken = await count(
    client,
    `select (select count(*) from public.organizations where ${clone ? 'slug = $1' : 'slug = $1 or id = $3'})
          + (select count(*) from pg_namespace where nspname = $2)`,
    clone ? [slug, schema] : [slug, schema, id],
  );
  if (taken > 0)
    throw new TenantImportError(
      clone
        ? `The slug "${slug}" is taken in the target: choose another one for the clone.`
        : `The organization "${slug}" exists in the target: import it as a clone under a new slug (--as), or delete it first.`,
    );

  // a clone's ids (clone-ids.ts)
  const cloneIds = new CloneIds();
  const newId = clone ? cloneIds.fresh(id) : id;
  if (clone) cloneIds.add(id);

  const publicTable = (name: string) => {
    const table = manifest.publicTables[indexOf(name)];
    if (!table) throw new Error(`public.${name} is missing from the manifest`);
    return table;
  };
  const col = (name: string, column: string) => publicTable(name).columns.indexOf(column);
  const publicInto = (name: string) => `public.${quoteIdent(name)}`;

  // its status counters at zero: the agent index's triggers count them again, and verification
  // compares them with the archive's
  const counters = new Set(AGENT_STATUSES.map((s) => `agents_${s}`));
  const organizations = publicTable('organizations');
  const counterAt = organizations.columns.flatMap((c, i) => (counters.has(c) ? [i] : []));
  // a maintenance ticket is a lock a process of the source held: that maintenance ended with it;
  // an administrator's (no ticket) is restored as it was, and a clone starts out of any
  const maintenanceAt = ['maintenance_reason', 'maintenance_since', 'maintenance_ticket'].map((c) =>
    organizations.columns.indexOf(c),
  );
  const ticketAt = maintenanceAt[2] ?? -1;
  const remapOrganization = cloneIds.remapper(organizations, publicUuids, 'id');
  const landings: LandedSection[] = [];
  const land = (landing: Landing) => {
    const section = new LandedSection(landing);
    landings.push(section);
    return section;
  };
  land({
    table: organizations,
    into: publicInto('organizations'),
    rewrite: (fields) => {
      if (clone) {
        remapOrganization(fields);
        fields[col('organizations', 'slug')] = copyField(slug);
        fields[col('organizations', 'name')] = copyField(
          cloneName(manifest.organization.name, slug),
        );
      }
      if (maintenanceAt.every((i) => i >= 0) && (clone || fields[ticketAt] !== '\\N'))
        for (const i of maintenanceAt) fields[i] = '\\N';
      const sent = [...fields];
      for (const i of counterAt) sent[i] = '0';
      return { sent, expected: fields };
    },
  });

  const users = publicTable('users');
  const remapUser = cloneIds.remapper(users, publicUuids, 'id');
  const [emailAt, confirmedAt] = [col('users', 'email'), col('users', 'confirmed_at')];
  land({
    table: users,
    into: publicInto('users'),
    rewrite: (fields) => {
      if (!clone) return { sent: fields };
      cloneIds.add(fields[col('users', 'id')]);
      remapUser(fields);
      const email = unescapeField(fields[emailAt] ?? '\\N');
      if (email !== null) fields[emailAt] = copyField(cloneEmail(email, slug));
      if (confirmedAt >= 0) fields[confirmedAt] = '\\N';
      return { sent: fields };
    },
  });
  const skillRows = new Set<string>();
  const skills = publicTable('skills');
  const [skillIdAt, skillSlugAt] = [col('skills', 'id'), col('skills', 'slug')];
  let present = new Set<string>();
  land({
    table: skills,
    into: publicInto('skills'),
    rewrite: (fields) => {
      const skill = fields[skillIdAt] ?? '';
      // the catalog skills its agents use: found by id, or added
      if (present.has(skill.toLowerCase())) return null;
      skillRows.add(skill);
      return { sent: fields };
    },
  });
  const agentIndex = publicTable('agent_index');
  const remapAgent = cloneIds.remapper(agentIndex, publicUuids, 'agent_id');
  const agentAt = col('agent_index', 'agent_id');
  land({
    table: agentIndex,
    into: publicInto('agent_index'),
    rewrite: (fields) => {
      if (!clone) return { sent: fields };
      cloneIds.add(fields[agentAt]);
      return { sent: remapAgent(fields) };
    },
  });
  const usageRemap = cloneIds.remapper(publicTable('skill_usage'), publicUuids, null);
  land({
    table: publicTable('skill_usage'),
    into: publicInto('skill_usage'),
    rewrite: (fields) => ({ sent: clone ? usageRemap(fields) : fields }),
  });
  const audit = publicTable('audit_events');
  const auditRemap = cloneIds.remapper(audit, publicUuids, null, ['target_id']);
  const auditRows = land({
    table: audit,
    into: publicInto('audit_events'),
    rewrite: (fields) => ({ sent: clone ? auditRemap(fields) : fields }),
  });

  /** Each batch of a public section checked against the target, then written. */
  const checks: Record<string, (lines: string[]) => Promise<void>> = {
    users: async (lines) => {
      const ids: string[] = [];
      const emails: string[] = [];
      for (const line of lines) {
        const fields = line.split('\t');
        ids.push(fields[col('users', 'id')] ?? '');
        emails.push(unescapeField(fields[emailAt] ?? '\\N') ?? '');
      }
      if (emails.some((e) => e.length > 254))
        throw new TenantImportError(
          `Some emails would be longer than 254 characters as local+${slug}@domain: choose a shorter slug.`,
        );
      const clashes = await count(
        client,
        'select count(*) from public.users u where u.id = any ($1::uuid[]) or u.email = any ($2::citext[])',
        [ids, emails],
      );
      if (clashes > 0)
        throw new TenantImportError(
          clone
            ? `${clashes} of the clone's emails (local+${slug}@domain) are taken in the target; nothing was imported.`
            : `${clashes} of the organization's users (their ids or emails) exist in the target; import it as a clone (--as) instead.`,
        );
    },
    skills: async (lines) => {
      const ids = lines.map((line) => line.split('\t')[skillIdAt] ?? '');
      const slugs = lines.map((line) => unescapeField(line.split('\t')[skillSlugAt] ?? '') ?? '');
      const { rows } = await client.query<{ id: string; slug: string }>(
        'select k.id::text, k.slug from public.skills k where k.id = any ($1::uuid[]) or k.slug = any ($2::text[])',
        [ids, slugs],
      );
      present = new Set(rows.map((r) => r.id));
      const clash = slugs
        .filter((s, i) => rows.some((r) => r.slug === s && r.id !== ids[i]?.toLowerCase()))
        .sort();
      if (clash.length > 0)
        throw new TenantImportError(
          `The target's skill catalog has ${clash.map((s) => `"${printable(s)}"`).join(', ')} ` +
            'under another id than the archive’s; nothing was imported.',
        );
    },
    agent_index: async (lines) => {
      const ids = lines.map((line) => line.split('\t')[agentAt] ?? '');
      if (
        (await count(
          client,
          'select count(*) from public.agent_index a where a.agent_id = any ($1::uuid[])',
          [ids],
        )) > 0
      )
        throw new TenantImportError(
          'Agents of the organization exist in the target; import it as a clone (--as) instead.',
        );
    },
  };
  const { rows: events } = await client.query<{ id: string }>(
    'select coalesce(max(id), 0)::text as id from public.audit_events',
  );
  const lastEvent = BigInt(events[0]?.id ?? '0').toString();

  phase('copying');
  const copySection = async (
    section: LandedSection,
    from: string,
    table: TableShape,
    i: number,
  ) => {
    const rows = await archive.rows(from, table);
    const check = i < publicCount ? checks[table.name] : undefined;
    if (check) {
      for await (const lines of lineBatches(rows)) {
        // a skill is looked up as the archive has it; a user or an agent as it is written
        if (table.name === 'skills') await check(lines);
        const sent = section.lines(lines);
        if (table.name !== 'skills') await check(sent);
        if (sent.length > 0) await copyText(client, section.copySql, [`${sent.join('\n')}\n`]);
      }
      return;
    }
    if ((archive.fingerprints[i]?.rows ?? 0) === 0) {
      for await (const chunk of rows) void chunk;
      return;
    }
    await copyText(
      client,
      section.copySql,
      (async function* () {
        for await (const lines of lineBatches(rows)) {
          const sent = section.lines(lines);
          if (sent.length > 0) yield `${sent.join('\n')}\n`;
        }
      })(),
    );
  };
  for (const [i, { schema: from, table }] of sections.slice(0, publicCount).entries()) {
    const section = landings[i];
    if (!section) throw new Error(`public.${table.name} has no landing`);
    await copySection(section, from, table, i);
  }

  // events of a deleted organization still in the target's log are not added twice
  const auditColumns = audit.columns.filter((c) => !audit.identity.includes(c));
  let auditExpected = auditRows.expected.result();
  if (!clone) {
    const same = auditColumns.map(
      (c) => `a.${quoteIdent(c)} is not distinct from t.${quoteIdent(c)}`,
    );
    const { rows: removed } = await client.query<Fingerprint>(
      `with t as (
         delete from public.audit_events t using public.audit_events a
          where t.organization_id = $1 and t.id > $2 and a.organization_id = $1 and a.id <= $2
            and ${same.join(' and ')}
          returning t.*)
       select ${fingerprintColumns(auditColumns)} from t`,
      [newId, lastEvent],
    );
    const gone = removed[0] ?? { rows: 0, sum: '0' };
    auditExpected = {
      rows: auditExpected.rows - gone.rows,
      sum: (BigInt(auditExpected.sum) - BigInt(gone.sum)).toString(),
    };
  }

  // with the schema at the archive's level, which must have the archive's tables and columns
  await client.query(freshSchemaStatements(slug, scripts.tenantScripts).join(';\n'));
  const { shapes: made, uuids: tenantUuids } = await describeTables(client, schema);
  const signature = (tables: TableShape[]) =>
    JSON.stringify(tables.map((t) => [t.name, t.columns, t.identity]).sort());
  if (signature(made) !== signature(manifest.tenantTables))
    throw new DamagedTenantArchiveError(
      `its tenant tables are not what migration level ${manifest.level} makes`,
    );
  const tenantMismatched = manifest.tenantTables.filter(
    (_, k) => archive.recomputed[publicCount + k] !== true,
  );
  if (tenantMismatched.length > 0)
    throw new DamagedTenantArchiveError(
      `the rows of ${tenantMismatched.map((t) => printable(t.name)).join(', ')} do not match their fingerprint`,
    );
  for (const [k, table] of manifest.tenantTables.entries()) {
    const remap = cloneIds.remapper(table, tenantUuids, table.columns.includes('id') ? 'id' : null);
    const section = land({
      table,
      into: `${quoteIdent(schema)}.${quoteIdent(table.name)}`,
      rewrite: (fields) => ({ sent: clone ? remap(fields) : fields }),
    });
    await copySection(
      section,
      tenantSchemaName(manifest.organization.slug),
      table,
      publicCount + k,
    );
  }

  // every table compared with what was sent, in one query
  phase('verifying');
  const literal = quoteLiteral(newId);
  const sentSkills = [...skillRows].map(quoteLiteral).join(', ');
  const where: Record<string, string> = {
    organizations: `t.id = ${literal}`,
    users: `t.organization_id = ${literal}`,
    skills: sentSkills ? `t.id in (${sentSkills})` : 'false',
    agent_index: `t.organization_id = ${literal}`,
    skill_usage: `t.organization_id = ${literal}`,
    audit_events: `t.organization_id = ${literal} and t.id > ${lastEvent}`,
  };
  const compared = [
    ...manifest.publicTables.map((table) => ({ schema: 'public', table: withoutIdentity(table) })),
    ...manifest.tenantTables.map((table) => ({ schema, table: withoutIdentity(table) })),
  ];
  const conditions = new Map(
    compared.map(({ schema: at, table }) => [
      table,
      at === 'public' ? (where[table.name] ?? 'false') : 'true',
    ]),
  );
  const landed = await fingerprintsOfMany(client, compared, (t) => conditions.get(t) ?? 'false');
  const expected = landings.map((section) =>
    section === auditRows ? auditExpected : section.expected.result(),
  );
  const wrong = differences(
    compared.map(({ schema: at, table }) => `${at}.${table.name}`),
    expected,
    landed,
  );
  if (wrong.length > 0)
    throw new TenantImportError(
      `The imported organization differs from the archive in ${wrong.join(', ')}; nothing was imported.`,
    );

  // heard by every console on the target once this commits
  const { rows: result } = await client.query<{
    name: string;
    users: number;
    agents: number;
  }>(
    `select o.name,
            (select count(*)::int from public.users where organization_id = o.id) as users,
            (select count(*)::int from public.agent_index where organization_id = o.id) as agents,
            pg_notify($1, json_build_object('kind', 'organization', 'id', o.id, 'organizationId', o.id,
                                            'version', o.version, 'action', 'organizations.import')::text)
       from public.organizations o where o.id = $2`,
    [CHANGE_CHANNEL, newId],
  );
  const summary = result[0];
  if (!summary) throw new Error('The imported organization is missing');
  return {
    organizationId: newId,
    slug,
    name: summary.name,
    clone,
    users: summary.users,
    agents: summary.agents,
    tables: sections.length,
    rows: expected.reduce((sum, print) => sum + print.rows, 0),
  };
}

const withoutIdentity = (table: TableShape): TableShape => ({
  ...table,
  columns: table.columns.filter((c) => !table.identity.includes(c)),
  identity: [],
});
