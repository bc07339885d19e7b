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
  migratedSchemaStatements,
  tenantMigrationScripts,
  type TenantMigrationScript,
} from '../tenant-migrator.ts';
import type { LineBounds } from './bounded-lines.ts';
import type { TableShape } from './describe.ts';
import { readMarker } from './marker.ts';
import {
  connectForTransfer,
  fingerprintsOf,
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
import { tableShapesOf } from './tenant-export.ts';

/*
 * One organization's archive into a database, in one transaction: all of
 * it or nothing. The archive is read whole and checked first (its hashes,
 * its shape); then, on the target, each section is copied into a temporary
 * table and its fingerprint recomputed and compared with the archive's
 * before anything lands in a real table; the organization's row goes in
 * with its status counters at zero so that the agent index's own triggers
 * count them again; and once everything is in, every table is compared
 * with what was staged. Any difference rolls the whole import back.
 *
 * Restored as it was (the organization must be absent: its id, its slug,
 * its users' ids and emails, its agents), or, with `as`, cloned beside the
 * live one: fresh ids for the organization, its users, its agents and
 * their history; the name "<name> (clone <new slug>)"; each email made
 * unique as local+<new slug>@domain; every user unconfirmed.
 */

export class TenantImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantImportError';
  }
}

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

/** Each section's temporary table, named by its position (public and tenant tables may share names). */
const stagingName = (i: number) => `fp_import_${i}`;
const staged = (i: number) => `pg_temp.${quoteIdent(stagingName(i))}`;

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

/**
 * Statements sent as one round trip (the simple protocol: no parameters, so
 * only literals this module quotes itself); each statement's rows, in order.
 */
async function batch(
  client: pg.ClientBase,
  statements: string[],
): Promise<Record<string, unknown>[][]> {
  const results = (await client.query(statements.join(';\n'))) as unknown as
    pg.QueryResult | pg.QueryResult[];
  return (Array.isArray(results) ? results : [results]).map((r) => r.rows);
}

async function count(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select (${sql})::int as n`, params);
  return rows[0]?.n ?? 0;
}

async function copySection(
  client: pg.ClientBase,
  archive: OpenTenantArchive,
  schema: string,
  table: TableShape,
  i: number,
): Promise<void> {
  const columns = table.columns.map(quoteIdent).join(', ');
  const into = client.query(copyFrom(`copy ${staged(i)} (${columns}) from stdin`));
  await pipeline(await archive.rows(schema, table), into);
}

/** Compares fingerprints, naming each table whose differ. */
function differences(names: string[], want: Fingerprint[], have: Fingerprint[]): string[] {
  return names.filter((_, i) => want[i]?.rows !== have[i]?.rows || want[i]?.sum !== have[i]?.sum);
}

const withoutIdentity = (table: TableShape): TableShape => ({
  ...table,
  columns: table.columns.filter((c) => !table.identity.includes(c)),
  identity: [],
});

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
    const scripts = await migrationScripts(url, options.em, manifest);
    const client = await connectForTransfer(url);
    try {
      const { rows: version } = await client.query<{ num: string; version: string }>(
        `select current_setting('server_version_num') as num, current_setting('server_version') as version`,
      );
      checkServerVersion(Number(version[0]?.num ?? 0), version[0]?.version ?? 'unknown');
      await client.query('begin');
      try {
        const report = await importInto(client, archive, scripts, options, progress);
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
      await client.end().catch(() => undefined);
    }
  } finally {
    await archive.close();
  }
}

async function importInto(
  client: pg.ClientBase,
  archive: OpenTenantArchive,
  scripts: { publicScripts: TenantMigrationScript[]; tenantScripts: TenantMigrationScript[] },
  options: TenantImportOptions,
  phase: (phase: TransferProgress['phase']) => void,
): Promise<Omit<TenantImportReport, 'seconds'>> {
  const { manifest, fingerprints } = archive;
  const clone = options.as !== undefined;
  const slug = options.as ?? manifest.organization.slug;
  const schema = tenantSchemaName(slug);
  const sections = sectionsOf(manifest);
  const publicCount = manifest.publicTables.length;
  const indexOf = (name: string) => TENANT_PUBLIC_TABLES.indexOf(name as never);
  const at = {
    organizations: staged(indexOf('organizations')),
    users: staged(indexOf('users')),
    skills: staged(indexOf('skills')),
    agentIndex: staged(indexOf('agent_index')),
    audit: staged(indexOf('audit_events')),
  };

  if (await readMarker(client))
    throw new TenantImportError(
      'The target holds an unfinished copy of a whole database; finish it or roll it back first.',
    );
  const holdsData =
    (await count(
      client,
      `select count(*) from pg_class where oid = to_regclass('public.organizations')`,
    )) > 0;
  if (holdsData) {
    const { rows: ledger } = await client.query<{ name: string }>(
      `select name from public.${LEDGER_TABLE} order by id`,
    );
    const names = ledger.map((r) => r.name);
    if (!manifest.publicMigrations.every((name, i) => names[i] === name))
      throw new TenantImportError(
        'The target is at an older FleetPrompt version than the archive: open it with this FleetPrompt first, then import.',
      );
    const shapes = await tableShapesOf(client, 'public', TENANT_PUBLIC_TABLES);
    for (const table of manifest.publicTables) {
      const there = shapes.find((t) => t.name === table.name);
      const missing = table.columns.filter((c) => !there?.columns.includes(c));
      if (missing.length > 0)
        throw new DamagedTenantArchiveError(
          `public.${table.name} has columns no FleetPrompt version makes: ${printable(missing.join(', '))}`,
        );
    }
  } else {
    if ((await count(client, `select count(*) from pg_namespace where nspname like 'org\\_%'`)) > 0)
      throw new TenantImportError('The target holds tenant schemas but no FleetPrompt data.');
    await migratePublic(client, scripts.publicScripts);
    const shapes = await tableShapesOf(client, 'public', TENANT_PUBLIC_TABLES);
    for (const table of manifest.publicTables) {
      const made = shapes.find((t) => t.name === table.name);
      if (made?.columns.join() !== table.columns.join())
        throw new DamagedTenantArchiveError(
          `public.${table.name} is not what the archive's migrations make`,
        );
    }
  }

  // each public section into its temporary table, and its fingerprint recomputed there
  phase('copying');
  await client.query(stagingTables(sections.slice(0, publicCount), 'public', 0));
  for (const [i, { schema: from, table }] of sections.slice(0, publicCount).entries())
    await copySection(client, archive, from, table, i);
  const stagedTables = (range: [number, number]) =>
    sections.slice(...range).map(({ table }, k) => ({ ...table, name: stagingName(range[0] + k) }));
  const publicStaged = stagedTables([0, publicCount]);
  const mismatched = differences(
    manifest.publicTables.map((t) => t.name),
    fingerprints.slice(0, publicCount),
    await fingerprintsOf(client, 'pg_temp', publicStaged),
  );
  if (mismatched.length > 0)
    throw new DamagedTenantArchiveError(
      `the rows of ${mismatched.map((n) => `public.${n}`).join(', ')} do not match their fingerprint`,
    );

  // the rows must all be this one organization's
  const id = manifest.organization.id;
  const owned = ['users', 'agent_index', 'skill_usage', 'audit_events'] as const;
  const [organizationRows = [], foreign = []] = await batch(client, [
    `select id::text, slug, tenant_schema_version as level from ${at.organizations}`,
    owned
      .map(
        (name) =>
          `select ${quoteLiteral(name)} as name where exists (select 1 from ${staged(indexOf(name))} where organization_id is distinct from ${quoteLiteral(id)}::uuid)`,
      )
      .join(' union all '),
  ]);
  const row = organizationRows[0] as { id: string; slug: string; level: number } | undefined;
  if (
    organizationRows.length !== 1 ||
    row?.id !== id ||
    row.slug !== manifest.organization.slug ||
    row.level !== manifest.level
  )
    throw new DamagedTenantArchiveError('its organization row is not the one its manifest names');
  if (foreign[0])
    throw new DamagedTenantArchiveError(
      `public.${String(foreign[0].name)} holds rows of another organization`,
    );

  // what the target must not have already
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

  if (clone) {
    // the name comes from the archive: a parameter, so a round trip of its own
    await client.query(`update ${at.organizations} set slug = $1, name = $2`, [
      slug,
      cloneName(manifest.organization.name, slug),
    ]);
    const remap = await remapStatements(
      client,
      publicStaged.filter((t) => t.name !== stagingName(indexOf('skills'))),
    );
    // the slug is a valid one (checkManifest): safe as a literal
    await batch(client, [
      `create temp table fp_import_ids (old uuid primary key, new uuid not null default gen_random_uuid()) on commit drop`,
      `insert into fp_import_ids (old)
         select id from ${at.organizations} union select id from ${at.users}
         union select agent_id from ${at.agentIndex}`,
      `update ${at.users} set email = regexp_replace(email::text, '@([^@]*)$', '+' || ${quoteLiteral(slug)} || '@\\1'), confirmed_at = null`,
      ...remap,
      `update ${at.audit} t set target_id = m.new::text from fp_import_ids m where t.target_id = m.old::text`,
    ]);
  }
  // the checks against the target in one round trip, refused in this order
  const [tooLong, userClashes, agentClashes, , skillClashRows = []] = await batch(client, [
    `select count(*)::int as n from ${at.users} where length(email) > 254`,
    `select count(*)::int as n from ${at.users} s join public.users u on u.id = s.id or u.email = s.email`,
    `select count(*)::int as n from ${at.agentIndex} s join public.agent_index a using (agent_id)`,
    // the catalog skills its agents use: found by id, or added; a skill of that slug under another id is a clash
    `delete from ${at.skills} s using public.skills k where k.id = s.id`,
    `select s.slug from ${at.skills} s join public.skills k on k.slug = s.slug order by 1`,
  ]);
  const countIn = (rows: Record<string, unknown>[] | undefined) => Number(rows?.[0]?.n ?? 0);
  if (countIn(tooLong) > 0)
    throw new TenantImportError(
      `Some emails would be longer than 254 characters as local+${slug}@domain: choose a shorter slug.`,
    );
  const clashes = countIn(userClashes);
  if (clashes > 0)
    throw new TenantImportError(
      clone
        ? `${clashes} of the clone's emails (local+${slug}@domain) are taken in the target; nothing was imported.`
        : `${clashes} of the organization's users (their ids or emails) exist in the target; import it as a clone (--as) instead.`,
    );
  if (countIn(agentClashes) > 0)
    throw new TenantImportError(
      'Agents of the organization exist in the target; import it as a clone (--as) instead.',
    );
  if (skillClashRows.length > 0)
    throw new TenantImportError(
      `The target's skill catalog has ${skillClashRows.map((r) => `"${printable(String(r.slug))}"`).join(', ')} ` +
        'under another id than the archive’s; nothing was imported.',
    );

  // a maintenance ticket is a lock a process of the source held: that maintenance ended with it;
  // an administrator's (no ticket) is restored as it was, and a clone starts out of any
  const maintenance = ['maintenance_reason', 'maintenance_since', 'maintenance_ticket'];
  const ended = maintenance.every((c) =>
    manifest.publicTables[indexOf('organizations')]?.columns.includes(c),
  )
    ? [
        `update ${at.organizations} set ${maintenance.map((c) => `${c} = null`).join(', ')}
          ${clone ? '' : 'where maintenance_ticket is not null'}`,
      ]
    : [];
  const newId = (await batch(client, [...ended, `select id::text from ${at.organizations}`])).at(
    -1,
  )?.[0]?.id;
  if (typeof newId !== 'string') throw new Error('The staged organization row is missing');

  const insert = (table: TableShape, into: string, i: number, select?: (c: string) => string) => {
    const columns = table.columns.filter((c) => !table.identity.includes(c));
    const list = columns.map(quoteIdent).join(', ');
    const values = columns.map((c) => select?.(c) ?? quoteIdent(c)).join(', ');
    return `insert into ${into} (${list}) select ${values} from ${staged(i)}`;
  };
  const publicTable = (name: string) => {
    const table = manifest.publicTables[indexOf(name)];
    if (!table) throw new Error(`public.${name} is missing from the manifest`);
    return table;
  };
  // its status counters at zero: the agent index's triggers count them again, and verification compares
  const counters = new Set(AGENT_STATUSES.map((s) => `agents_${s}`));
  // with the schema at the archive's level, which must have the archive's tables and columns
  await batch(client, [
    insert(publicTable('organizations'), 'public.organizations', indexOf('organizations'), (c) =>
      counters.has(c) ? '0' : quoteIdent(c),
    ),
    insert(publicTable('users'), 'public.users', indexOf('users')),
    insert(publicTable('skills'), 'public.skills', indexOf('skills')),
    ...migratedSchemaStatements(schema, scripts.tenantScripts),
  ]);
  const made = await tableShapesOf(client, schema);
  const signature = (tables: TableShape[]) =>
    JSON.stringify(tables.map((t) => [t.name, t.columns, t.identity]).sort());
  if (signature(made) !== signature(manifest.tenantTables))
    throw new DamagedTenantArchiveError(
      `its tenant tables are not what migration level ${manifest.level} makes`,
    );
  await client.query(stagingTables(sections.slice(publicCount), schema, publicCount));
  for (const [k, { table }] of sections.slice(publicCount).entries())
    await copySection(
      client,
      archive,
      tenantSchemaName(manifest.organization.slug),
      table,
      publicCount + k,
    );
  const tenantStaged = stagedTables([publicCount, sections.length]);
  const tenantMismatched = differences(
    manifest.tenantTables.map((t) => t.name),
    fingerprints.slice(publicCount),
    await fingerprintsOf(client, 'pg_temp', tenantStaged),
  );
  if (tenantMismatched.length > 0)
    throw new DamagedTenantArchiveError(
      `the rows of ${tenantMismatched.join(', ')} do not match their fingerprint`,
    );
  const remap = clone
    ? [
        ...tenantStaged
          .filter((table) => table.columns.includes('id'))
          .map(
            (table) =>
              `insert into fp_import_ids (old) select id from pg_temp.${quoteIdent(table.name)} on conflict do nothing`,
          ),
        ...(await remapStatements(client, tenantStaged)),
      ]
    : [];
  // events of a deleted organization still in the target's log are not added twice
  const audit = publicTable('audit_events');
  const auditColumns = withoutIdentity(audit).columns;
  const same = auditColumns.map(
    (c) => `a.${quoteIdent(c)} is not distinct from s.${quoteIdent(c)}`,
  );
  // newId is a uuid read back from the staged row: safe as a literal
  const written = await batch(client, [
    ...remap,
    ...manifest.tenantTables.map((table, k) =>
      insert(table, `${quoteIdent(schema)}.${quoteIdent(table.name)}`, publicCount + k),
    ),
    insert(publicTable('agent_index'), 'public.agent_index', indexOf('agent_index')),
    insert(publicTable('skill_usage'), 'public.skill_usage', indexOf('skill_usage')),
    `delete from ${at.audit} s using public.audit_events a where a.organization_id = ${quoteLiteral(newId)} and ${same.join(' and ')}`,
    'select coalesce(max(id), 0)::text as id from public.audit_events',
    insert(audit, 'public.audit_events', indexOf('audit_events')),
  ]);
  const lastEvent = written.at(-2) ?? [];

  // every table compared with what was staged
  phase('verifying');
  const literal = quoteLiteral(newId);
  const where: Record<string, string> = {
    organizations: `t.id = ${literal}`,
    users: `t.organization_id = ${literal}`,
    skills: `t.id in (select id from ${at.skills})`,
    agent_index: `t.organization_id = ${literal}`,
    skill_usage: `t.organization_id = ${literal}`,
    audit_events: `t.organization_id = ${literal} and t.id > ${Number(lastEvent[0]?.id ?? 0)}`,
  };
  const compared = manifest.publicTables.map(withoutIdentity);
  const publicAsStaged = compared.map((t, i) => ({ ...t, name: stagingName(i) }));
  const conditions = new Map(compared.map((t) => [t, where[t.name] ?? 'false']));
  // what was staged and what landed, in one query
  const prints = await fingerprintsOfMany(
    client,
    [
      ...publicAsStaged.map((table) => ({ schema: 'pg_temp', table })),
      ...compared.map((table) => ({ schema: 'public', table })),
      ...tenantStaged.map((table) => ({ schema: 'pg_temp', table })),
      ...manifest.tenantTables.map((table) => ({ schema, table })),
    ],
    (table) => conditions.get(table) ?? 'true',
  );
  const [p, k] = [compared.length, tenantStaged.length];
  const stagedPublic = prints.slice(0, p);
  const stagedTenant = prints.slice(2 * p, 2 * p + k);
  const wrong = [
    ...differences(
      compared.map((t) => `public.${t.name}`),
      stagedPublic,
      prints.slice(p, 2 * p),
    ),
    ...differences(
      manifest.tenantTables.map((t) => `${schema}.${t.name}`),
      stagedTenant,
      prints.slice(2 * p + k),
    ),
  ];
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
  const total = [...stagedPublic, ...stagedTenant].reduce((sum, print) => sum + print.rows, 0);
  return {
    organizationId: newId,
    slug,
    name: summary.name,
    clone,
    users: summary.users,
    agents: summary.agents,
    tables: sections.length,
    rows: total,
  };
}

/** The temporary tables of some sections, each like its table in `like` (the target's), in one batch. */
function stagingTables(sections: { table: TableShape }[], like: string, first: number): string {
  return sections
    .map(
      ({ table }, k) =>
        `create temp table ${quoteIdent(stagingName(first + k))} (like ${quoteIdent(like)}.${quoteIdent(table.name)} including defaults) on commit drop`,
    )
    .join(';\n');
}

/** The updates that give every uuid column of the staged tables fresh ids from fp_import_ids (old to new). */
async function remapStatements(client: pg.ClientBase, tables: TableShape[]): Promise<string[]> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `select c.relname as table, a.attname as column
       from pg_class c join pg_attribute a on a.attrelid = c.oid
      where c.relnamespace = pg_my_temp_schema() and c.relname = any ($1::text[])
        and a.attnum > 0 and not a.attisdropped and a.atttypid = 'uuid'::regtype`,
    [tables.map((t) => t.name)],
  );
  return rows.map(({ table, column }) => {
    const c = quoteIdent(column);
    return `update pg_temp.${quoteIdent(table)} t set ${c} = m.new from fp_import_ids m where t.${c} = m.old`;
  });
}
