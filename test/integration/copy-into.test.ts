import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TransferProgress } from '../../src-shared/channels.ts';
import type { TransferReport } from '../../src-shared/contract.ts';
import { maskUrl } from '../../src-main/db/connection-string.ts';
import {
  copyIntoDatabase,
  rollbackTransfer,
  TransferError,
} from '../../src-main/db/transfer/copy-into.ts';
import { schemasOf, type Description } from '../../src-main/db/transfer/describe.ts';
import { UnfinishedTransferError, writeMarker } from '../../src-main/db/transfer/marker.ts';
import { backupDatabase, restoreArchive } from '../../src-main/db/transfer/operations.ts';
import { openDatabaseSource, type TransferSource } from '../../src-main/db/transfer/source.ts';
import {
  connectionsTo,
  contents,
  hasFleetPromptObjects,
  query,
} from '../support/database-contents.ts';
import type { Harness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { sharedWorld } from '../support/shared-world.ts';
import { fromTemplate } from '../support/template-database.ts';
import { WEB_RESEARCH } from '../support/transfer-world.ts';

/*
 * A copy of a live database into another (copy-into.ts, behind a move and a
 * restore), stated against the target itself: every row as the source has
 * it, all or nothing per step, verified before it is declared done; what it
 * refuses before any write; an interrupted copy resumed or rolled back to
 * what the target held before. The source is a template world
 * (test/support/template-database.ts), so a mutation run can afford this
 * file; the console's side of a move is in transfer.test.ts.
 */

async function build(h: Harness): Promise<void> {
  const acme = await h.org('acme-co', 'pro');
  const other = await h.org('other-co', 'free');
  const admin = h.slotFor((await h.user(acme.id, 'admin', 'admin@acme-co.test')).id);
  await h.user(other.id, 'developer', 'dev@other-co.test');
  const skill = await h.ok(admin, 'skills.create', WEB_RESEARCH);
  for (const [organizationId, name] of [
    [acme.id, 'Researcher'],
    [acme.id, 'Writer'],
    [other.id, 'Theirs'],
  ] as const) {
    const agent = await h.ok(admin, 'agents.create', {
      organizationId,
      name,
      systemPrompt: 'Line one\nline two\\with backslash',
      config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2 },
    });
    await h.ok(admin, 'agents.attachSkill', {
      organizationId,
      agentId: agent.id,
      skillId: skill.id,
    });
    await h.ok(admin, 'agents.transition', {
      organizationId,
      id: agent.id,
      version: agent.version,
      event: 'deploy',
    });
  }
}

let db: ScratchDatabase;
const scratch: ScratchDatabase[] = [];
const sources: TransferSource[] = [];

async function emptyDatabase(): Promise<ScratchDatabase> {
  const made = await createScratchDatabase(inject('serverUrl'), 'fp_copy');
  scratch.push(made);
  return made;
}

/** The template world opened as a source, its answers changed where `change` says. */
async function source(change: Partial<TransferSource> = {}): Promise<TransferSource> {
  const opened = await openDatabaseSource(db.url);
  sources.push(opened);
  return { ...opened, ...change };
}

/** The source's description with `edit` applied to a copy of it. */
async function describedAs(edit: (description: Description) => void): Promise<TransferSource> {
  const opened = await source();
  const description = structuredClone(opened.description);
  edit(description);
  return { ...opened, description };
}

const holdsMarker = async (url: string) =>
  (
    await query<{ found: boolean }>(
      url,
      `select to_regclass('public.fleetprompt_transfer') is not null as found`,
    )
  )[0]?.found;

/** How many rows the tables of `schema` hold in the source. */
async function rowsIn(schema: string): Promise<number> {
  const tables = await query<{ name: string }>(
    db.url,
    'select tablename as name from pg_tables where schemaname = $1',
    [schema],
  );
  let rows = 0;
  for (const { name } of tables)
    rows += (
      await query<{ n: number }>(db.url, `select count(*)::int as n from "${schema}"."${name}"`)
    )[0]!.n;
  return rows;
}

/** How many rows `url` holds in the tables a copy of the source writes (those it does not have count none). */
async function rowsOfCopiedTables(url: string): Promise<number> {
  const { description } = await source();
  let rows = 0;
  for (const { schema, tables } of schemasOf(description))
    for (const { name } of tables)
      rows +=
        (
          await query<{ n: number }>(
            url,
            `select case when to_regclass($1) is null then 0
                    else (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %s', $1), false, true, '')))[1]::text::int end as n`,
            [`"${schema}"."${name}"`],
          )
        )[0]?.n ?? 0;
  return rows;
}

/**
 * `opened`, counting the transactions open on the target when the copy asks
 * for each organization's first rows (into `seen`, by schema): the one
 * filling it, and one making the next organization's schema ahead, which
 * may take a moment to begin (up to a second, on a loaded machine).
 */
function countingLanes(
  opened: TransferSource,
  target: string,
  seen: Record<string, number>,
): TransferSource {
  const open = async () =>
    (
      await query<{ n: number }>(
        target,
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
            and backend_type = 'client backend'`,
      )
    )[0]?.n ?? 0;
  return {
    ...opened,
    rows: async (schema, table) => {
      if (schema !== 'public' && !(schema in seen)) {
        let n = await open();
        for (let tries = 0; n < 2 && tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          n = await open();
        }
        seen[schema] = n;
      }
      return opened.rows(schema, table);
    },
  };
}

/** A copy that throws from its progress once `tenantsDone` organizations are copied. */
const cutAfter = (tenantsDone: number) => (p: TransferProgress) => {
  if (p.phase === 'copying' && p.tenantsDone === tenantsDone) throw new Error('cut off');
};

beforeAll(async () => {
  db = await fromTemplate('copy_into', build);
});

/** The source copied into an empty database: the target, the copy's report and its progress. */
const copy = sharedWorld(async () => {
  const copied = await emptyDatabase();
  const heard: TransferProgress[] = [];
  const lanes: Record<string, number> = {};
  const opened = countingLanes(await source(), copied.url, lanes);
  const started = performance.now();
  const report: TransferReport = await copyIntoDatabase(opened, copied.url, {
    onProgress: (p) => heard.push(p),
  });
  return { copied, report, heard, lanes, tookMs: performance.now() - started };
});

// each test's sources closed after it: a mutation run makes the copy's world per test, and a
// source holds up to three connections
afterEach(async () => {
  for (const opened of sources.splice(0)) await opened.close();
});

afterAll(async () => {
  for (const made of scratch) await made.drop();
  await db?.drop();
});

describe('a copy into an empty database', () => {
  it('holds every row of every table of the source, and the ledgers of its migrations', async () => {
    const { copied } = await copy();
    const target = await contents(copied.url);
    expect(Object.keys(target)).toContain('"org_other-co".agents');
    expect(target).toEqual(await contents(db.url));
  });

  it('answers the target without its password, and the organizations, tables and rows it copied', async () => {
    const { copied, report, tookMs } = await copy();
    const { description } = (await source()) as TransferSource;
    let rows = 0;
    let tables = 0;
    for (const { schema, tables: of } of schemasOf(description))
      for (const table of of) {
        tables += 1;
        const [count] = await query<{ n: number }>(
          db.url,
          `select count(*)::int as n from "${schema}"."${table.name}"`,
        );
        rows += count?.n ?? 0;
      }
    expect(report).toMatchObject({ target: maskUrl(copied.url), tenants: 2, tables, rows });
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.seconds).toBeLessThanOrEqual(tookMs / 1000);
  });

  it('tells its progress: checking, migrating, copying each organization, verifying, done', async () => {
    const { report, heard, tookMs } = await copy();
    expect(
      heard.map(({ phase, tenantsDone, tenantsTotal }) => [phase, tenantsDone, tenantsTotal]),
    ).toEqual([
      ['checking', 0, 2],
      ['migrating', 0, 2],
      ['copying', 0, 2],
      ['copying', 1, 2],
      ['copying', 2, 2],
      ['verifying', 2, 2],
      ['done', 2, 2],
    ]);
    expect(heard[1]?.rows).toBe(0);
    expect(heard.at(-1)?.rows).toBe(report.rows);
    for (const [i, p] of heard.entries())
      expect(p.elapsedMs).toBeGreaterThanOrEqual(heard[i - 1]?.elapsedMs ?? 0);
    expect(heard.at(-1)?.elapsedMs).toBeLessThanOrEqual(tookMs);
  });

  it('continues each identity sequence where the source’s stands', async () => {
    const sequences = `select sequencename, last_value::text as value from pg_sequences
                        where schemaname = 'public' and sequencename like 'audit%' order by 1`;
    const { copied } = await copy();
    const [theirs, ours] = [await query(db.url, sequences), await query(copied.url, sequences)];
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('leaves every trigger of the target enabled, as the source has them', async () => {
    const triggers = `select c.relname || '.' || t.tgname as name, t.tgenabled as enabled
                        from pg_trigger t join pg_class c on c.oid = t.tgrelid
                        join pg_namespace n on n.oid = c.relnamespace
                       where not t.tgisinternal and n.nspname = 'public' order by 1`;
    const { copied } = await copy();
    const ours = await query<{ name: string; enabled: string }>(copied.url, triggers);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(await query(db.url, triggers));
    expect(ours.every((t) => t.enabled === 'O')).toBe(true);
  });

  it('fills each organization in a transaction while the next one’s schema is made in another', async () => {
    const { lanes } = await copy();
    expect(lanes).toEqual({ 'org_acme-co': 2, 'org_other-co': 1 });
  });

  it('leaves no marker and no connection behind', async () => {
    const { copied } = await copy();
    expect(await holdsMarker(copied.url)).toBe(false);
    expect(await connectionsTo(copied.url)).toBe(0);
  });
});

describe('a copy of a source an older FleetPrompt made', () => {
  it('makes public and each organization’s schema at the source’s levels, not at this one’s', async () => {
    // the world as it stood before its last public migrations, and other-co before its last tenant one
    const older = 'Migration20261206010000_second_factors';
    const later = ['second_factors', 'recovery_codes', 'security_policy'];
    const edited = await describedAs((d) => {
      d.publicMigrations = d.publicMigrations.slice(0, d.publicMigrations.indexOf(older));
      d.publicTables = d.publicTables.filter((t) => !later.includes(t.name));
      d.sequences = d.sequences.filter((s) => !later.includes(s.table));
      const other = d.tenants[1]!;
      other.level -= 1;
      other.shape =
        d.tenantShapes.push(
          (d.tenantShapes[other.shape] ?? []).map((t) => ({
            ...t,
            columns: t.columns.filter((c) => t.name !== 'agent_transitions' || c !== 'reason'),
          })),
        ) - 1;
    });
    const target = await emptyDatabase();
    await copyIntoDatabase(edited, target.url);

    const ledger = await query<{ name: string }>(
      target.url,
      'select name from mikro_orm_migrations order by id',
    );
    expect(ledger.map((r) => r.name)).toEqual(edited.description.publicMigrations);
    expect(
      await query(target.url, `select tablename from pg_tables where tablename = any ($1)`, [
        later,
      ]),
    ).toEqual([]);
    const levels = await query<{ slug: string; n: number }>(
      target.url,
      'select tenant_slug as slug, count(*)::int as n from tenant_migrations group by 1 order by 1',
    );
    expect(levels).toEqual(
      edited.description.tenants.map(({ slug, level }) => ({ slug, n: level })),
    );
    const reasons = await query<{ schema: string }>(
      target.url,
      `select table_schema as schema from information_schema.columns
        where table_name = 'agent_transitions' and column_name = 'reason'`,
    );
    expect(reasons).toEqual([{ schema: 'org_acme-co' }]);
  });

  it('makes no public table for a source that holds no migration and no table at all', async () => {
    const nothing = await describedAs((d) => {
      d.publicMigrations = [];
      d.publicTables = [];
      d.sequences = [];
      d.tenants = [];
      d.tenantShapes = [];
    });
    const target = await emptyDatabase();
    await expect(copyIntoDatabase(nothing, target.url)).resolves.toMatchObject({ tenants: 0 });
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });
});

describe('a copy refused before any write', () => {
  it('into a database that holds FleetPrompt data, unless told to add to it', async () => {
    const { copied } = await copy();
    const before = await contents(copied.url);
    const refused = copyIntoDatabase(await source(), copied.url);
    await expect(refused).rejects.toBeInstanceOf(TransferError);
    await expect(refused).rejects.toMatchObject({ name: 'TransferError' });
    await expect(refused).rejects.toThrow(
      'The target already holds FleetPrompt data; copy into an empty database, or add to it with --into-existing.',
    );
    expect(await contents(copied.url)).toEqual(before);
  });

  it('added to a database that already has the source’s organizations, naming their schemas', async () => {
    const { copied } = await copy();
    const before = await contents(copied.url);
    await expect(
      copyIntoDatabase(await source(), copied.url, { intoExisting: true }),
    ).rejects.toThrow(
      new TransferError(
        "The target already has 2 of the source's tenant schemas (org_acme-co, org_other-co); nothing was copied.",
      ),
    );
    expect(await contents(copied.url)).toEqual(before);
    expect(await holdsMarker(copied.url)).toBe(false);
  });

  it('into a database holding tenant schemas without an organizations table', async () => {
    const target = await emptyDatabase();
    await query(target.url, 'create schema "org_left-over"');
    await expect(copyIntoDatabase(await source(), target.url)).rejects.toThrow(
      'The target already holds FleetPrompt data; copy into an empty database, or add to it with --into-existing.',
    );
    expect(await query(target.url, `select 1 from pg_tables where schemaname = 'public'`)).toEqual(
      [],
    );
  });

  it('when asked to resume and the target holds no unfinished copy', async () => {
    const target = await emptyDatabase();
    await expect(copyIntoDatabase(await source(), target.url, { resume: true })).rejects.toThrow(
      'The target holds no unfinished copy to resume.',
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it.each([
    [
      'a public migration',
      (d: Description) => d.publicMigrations.push('Migration20991231000001_future'),
    ],
    ['an organization’s level', (d: Description) => (d.tenants[1]!.level += 1)],
  ])('from a source made by a newer FleetPrompt (%s this one does not know)', async (_, edit) => {
    const target = await emptyDatabase();
    const refused = copyIntoDatabase(await describedAs(edit), target.url);
    await expect(refused).rejects.toBeInstanceOf(TransferError);
    await expect(refused).rejects.toThrow(
      `${maskUrl(db.url)} holds migrations this FleetPrompt does not know: it was made by a newer version. Update FleetPrompt, then try again.`,
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('from a source whose tables are not what its migrations make, naming the difference', async () => {
    const target = await emptyDatabase();
    const edited = await describedAs((d) => d.publicTables[0]?.columns.push('extra'));
    await expect(copyIntoDatabase(edited, target.url)).rejects.toThrow(
      new RegExp(
        `^${maskUrl(db.url).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not hold what its migrations create: .*extra.*\\. Nothing was written\\.$`,
      ),
    );
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('from a source with many differences from its migrations, naming five and saying there are more', async () => {
    const target = await emptyDatabase();
    const edited = await describedAs((d) => {
      for (const [i, table] of d.publicTables.slice(0, 6).entries())
        table.columns.push(`extra_${i}`);
    });
    const error = String(await copyIntoDatabase(edited, target.url).catch((e: Error) => e));
    expect(error.match(/extra_\d/g)).toEqual([
      'extra_0',
      'extra_1',
      'extra_2',
      'extra_3',
      'extra_4',
    ]);
    expect(error).toContain('extra_0 too many; public.');
    expect(error).toContain('extra_4 too many; …. Nothing was written.');
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('from a source with exactly five differences from its migrations, naming them all', async () => {
    const target = await emptyDatabase();
    const edited = await describedAs((d) => {
      for (const [i, table] of d.publicTables.slice(0, 5).entries())
        table.columns.push(`extra_${i}`);
    });
    const error = String(await copyIntoDatabase(edited, target.url).catch((e: Error) => e));
    expect(error.match(/extra_\d/g)).toHaveLength(5);
    expect(error).toContain('extra_4 too many. Nothing was written.');
    expect(await hasFleetPromptObjects(target.url)).toBe(false);
  });

  it('into a target holding an unfinished copy of another source, resumed or not', async () => {
    const target = await emptyDatabase();
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await writeMarker(client, {
      source: 'postgres://elsewhere.example/fleet',
      startedAt: new Date().toISOString(),
      slugs: [],
      objectsBefore: [],
      appended: false,
    });
    await client.end();
    const before = await contents(target.url);
    await expect(copyIntoDatabase(await source(), target.url)).rejects.toBeInstanceOf(
      UnfinishedTransferError,
    );
    await expect(copyIntoDatabase(await source(), target.url, { resume: true })).rejects.toThrow(
      `The target holds an unfinished copy of postgres://elsewhere.example/fleet, not of ${maskUrl(db.url)}; roll it back first (--rollback).`,
    );
    expect(await contents(target.url)).toEqual(before);
  });
});

describe('an interrupted copy', () => {
  it('keeps each organization copied before, refuses a fresh copy, and is resumed to the whole', async () => {
    const target = await emptyDatabase();
    await expect(
      copyIntoDatabase(await source(), target.url, { onProgress: cutAfter(1) }),
    ).rejects.toThrow('cut off');
    const halfway = await contents(target.url);
    expect(halfway['"org_acme-co".agents']).toBe((await contents(db.url))['"org_acme-co".agents']);
    expect(halfway['"org_other-co".agents']).toBeUndefined();
    await expect(copyIntoDatabase(await source(), target.url)).rejects.toBeInstanceOf(
      UnfinishedTransferError,
    );

    const heardOnResume: TransferProgress[] = [];
    const lanes: Record<string, number> = {};
    const resumed = await copyIntoDatabase(
      countingLanes(await source(), target.url, lanes),
      target.url,
      {
        resume: true,
        onProgress: (p) => heardOnResume.push(p),
      },
    );
    expect(await contents(target.url)).toEqual(await contents(db.url));
    expect(await holdsMarker(target.url)).toBe(false);
    // the rows copied before the cut are not counted again
    expect(resumed.rows).toBe(await rowsIn('org_other-co'));
    expect(heardOnResume.at(-1)?.phase).toBe('done');
    // the last one left to copy: no schema is made ahead of it, not even its own again
    expect(lanes).toEqual({ 'org_other-co': 1 });
  });

  it('is rolled back to what the target held before, its own extension and function kept', async () => {
    const target = await emptyDatabase();
    await query(target.url, 'create extension citext');
    await query(
      target.url,
      'create function public.kept_by_target() returns int language sql as $$ select 1 $$',
    );
    await expect(
      copyIntoDatabase(await source(), target.url, { onProgress: cutAfter(2) }),
    ).rejects.toThrow('cut off');

    expect(await rollbackTransfer(target.url)).toEqual({ source: maskUrl(db.url), schemas: 2 });
    const [left] = await query<{
      tables: number;
      schemas: number;
      functions: string;
      extensions: string;
    }>(
      target.url,
      `select (select count(*)::int from pg_tables where schemaname = 'public') as tables,
              (select count(*)::int from pg_namespace where nspname like 'org\\_%') as schemas,
              (select string_agg(p.proname, ',') from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'public'
                  and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')) as functions,
              (select string_agg(extname, ',' order by extname) from pg_extension) as extensions`,
    );
    expect(left).toEqual({
      tables: 0,
      schemas: 0,
      functions: 'kept_by_target',
      extensions: 'citext,plpgsql',
    });
  });

  it('is not rolled back where there is no unfinished copy', async () => {
    const target = await emptyDatabase();
    const refused = rollbackTransfer(target.url);
    await expect(refused).rejects.toBeInstanceOf(TransferError);
    await expect(refused).rejects.toThrow('The target holds no unfinished copy to roll back.');
    expect(await connectionsTo(target.url)).toBe(0);
  });
});

describe('a copy whose verification finds a difference', () => {
  it.each([
    ['a row count', 'public', 'skills', (rows: number, sum: string) => ({ rows: rows + 1, sum })],
    ['a checksum', 'org_other-co', 'agents', (rows: number) => ({ rows, sum: '12345' })],
  ])(
    'in %s refuses, names the table, and leaves the copy unfinished',
    async (_, schema, table, changed) => {
      const opened = await source();
      const target = await emptyDatabase();
      const refused = copyIntoDatabase(
        {
          ...opened,
          expected: async (at, tables) => {
            const want = await opened.expected(at, tables);
            return want.map((w, i) =>
              at === schema && tables[i]?.name === table ? changed(w.rows, w.sum) : w,
            );
          },
        },
        target.url,
      );
      const [count] = await query<{ n: number }>(
        db.url,
        `select count(*)::int as n from "${schema}"."${table}"`,
      );
      const wanted = changed(count?.n ?? 0, '').rows;
      await expect(refused).rejects.toBeInstanceOf(TransferError);
      await expect(refused).rejects.toThrow(
        `The copy differs from the source in 1 table(s): ${schema}.${table} (source ${wanted} rows, target ${count?.n}). ` +
          'Was the source written to during the copy? Roll the target back (--rollback) and copy again.',
      );
      expect(await holdsMarker(target.url)).toBe(true);
      await expect(copyIntoDatabase(await source(), target.url)).rejects.toBeInstanceOf(
        UnfinishedTransferError,
      );
    },
  );
  it('in a table the source answers no fingerprint for, naming it with its rows unknown', async () => {
    const opened = await source();
    const target = await emptyDatabase();
    const refused = copyIntoDatabase(
      {
        ...opened,
        // the last table of org_other-co goes unanswered
        expected: async (at, tables) =>
          (await opened.expected(at, tables)).slice(0, at === 'org_other-co' ? -1 : undefined),
      },
      target.url,
    );
    const last = schemasOf(opened.description).at(-1)?.tables.at(-1)?.name ?? '';
    const [count] = await query<{ n: number }>(
      db.url,
      `select count(*)::int as n from "org_other-co"."${last}"`,
    );
    await expect(refused).rejects.toThrow(
      new TransferError(
        `The copy differs from the source in 1 table(s): org_other-co.${last} (source ? rows, target ${count?.n}). ` +
          'Was the source written to during the copy? Roll the target back (--rollback) and copy again.',
      ),
    );
  });

  it('in many tables names the first five and says there are more', async () => {
    const opened = await source();
    const target = await emptyDatabase();
    const refused = copyIntoDatabase(
      {
        ...opened,
        expected: async (at, tables) =>
          (await opened.expected(at, tables)).map((w) => ({ rows: w.rows, sum: '1' })),
      },
      target.url,
    );
    const tables = schemasOf(opened.description).flatMap(({ schema, tables: of }) =>
      of.map((t) => `${schema}.${t.name}`),
    );
    const error = await refused.catch((e: Error) => e);
    expect(String(error)).toContain(
      `The copy differs from the source in ${tables.length} table(s): `,
    );
    const named = String(error).match(/table\(s\): (.*), …\. Was the source/)?.[1] ?? '';
    expect(named.split(/ \(source \d+ rows, target \d+\),? ?/).filter(Boolean)).toEqual(
      tables.slice(0, 5),
    );
  });

  it('in exactly five tables names them all, as source and target count their rows', async () => {
    const opened = await source();
    const five = schemasOf(opened.description)
      .flatMap(({ schema, tables: of }) => of.map((t) => `${schema}.${t.name}`))
      .slice(0, 5);
    const target = await emptyDatabase();
    const refused = copyIntoDatabase(
      {
        ...opened,
        expected: async (at, tables) =>
          (await opened.expected(at, tables)).map((w, i) =>
            five.includes(`${at}.${tables[i]?.name}`) ? { rows: w.rows, sum: '1' } : w,
          ),
      },
      target.url,
    );
    const named: string[] = [];
    for (const table of five) {
      const [schema, name] = table.split('.');
      const [count] = await query<{ n: number }>(
        db.url,
        `select count(*)::int as n from "${schema}"."${name}"`,
      );
      named.push(`${table} (source ${count?.n} rows, target ${count?.n})`);
    }
    await expect(refused).rejects.toThrow(
      new TransferError(
        `The copy differs from the source in 5 table(s): ${named.join(', ')}. ` +
          'Was the source written to during the copy? Roll the target back (--rollback) and copy again.',
      ),
    );
  });
});

describe('a copy added to a database that holds FleetPrompt data of its own (--into-existing)', () => {
  /** Another console's database: an organization, an administrator and their audit events. */
  const theirs = async () => {
    const made = await fromTemplate('copy_into_theirs', async (h) => {
      const org = await h.org('their-org', 'pro');
      await h.user(org.id, 'admin', 'admin@their-org.test');
    });
    scratch.push(made);
    return made;
  };

  it('adds every organization and row beside the target’s own, verified', async () => {
    const target = await theirs();
    const [before, copiedFrom] = [await contents(target.url), await contents(db.url)];
    const rowsBefore = await rowsOfCopiedTables(target.url);
    const count = (url: string) =>
      query<{ n: number }>(url, 'select count(*)::int as n from audit_events');
    const [sourceAudit, targetAudit] = [
      (await count(db.url))[0]!.n,
      (await count(target.url))[0]!.n,
    ];

    const added = await copyIntoDatabase(await source(), target.url, { intoExisting: true });
    const after = await contents(target.url);
    expect(after['"org_their-org".agents']).toBe(before['"org_their-org".agents']);
    expect(after['"org_acme-co".agents']).toBe(copiedFrom['"org_acme-co".agents']);
    expect(after['"org_other-co".agent_transitions']).toBe(
      copiedFrom['"org_other-co".agent_transitions'],
    );
    const [audit] = await query<{ n: number; ids: number }>(
      target.url,
      'select count(*)::int as n, count(distinct id)::int as ids from audit_events',
    );
    expect(audit).toEqual({ n: sourceAudit + targetAudit, ids: sourceAudit + targetAudit });
    expect(added).toMatchObject({ tenants: 2, target: maskUrl(target.url) });
    expect(added.rows).toBe((await rowsOfCopiedTables(target.url)) - rowsBefore);
    expect(await holdsMarker(target.url)).toBe(false);
  });

  it('refuses rows whose keys the target has, and adds nothing', async () => {
    const target = await theirs();
    await query(target.url, `update users set email = 'admin@acme-co.test'`);
    const before = await contents(target.url);
    const refused = copyIntoDatabase(await source(), target.url, { intoExisting: true });
    await expect(refused).rejects.toBeInstanceOf(TransferError);
    await expect(refused).rejects.toThrow(/1 in users \(email\)/);
    expect(await contents(target.url)).toEqual(before);
    expect(await holdsMarker(target.url)).toBe(false);
  });

  it('leaves the target as it was, without a marker, when it refuses a row half-way', async () => {
    const target = await theirs();
    await query(
      target.url,
      `alter table skills add constraint refused_by_the_target check (slug <> 'web-research')`,
    );
    const before = await contents(target.url);
    const refused = copyIntoDatabase(await source(), target.url, { intoExisting: true });
    await expect(refused).rejects.toBeInstanceOf(TransferError);
    await expect(refused).rejects.toThrow('refused_by_the_target');
    expect(await contents(target.url)).toEqual(before);
    expect(await holdsMarker(target.url)).toBe(false);
  });

  it('is resumed to the whole when interrupted, the target’s own rows kept', async () => {
    const target = await theirs();
    const before = await contents(target.url);
    await expect(
      copyIntoDatabase(await source(), target.url, { intoExisting: true, onProgress: cutAfter(1) }),
    ).rejects.toThrow('cut off');
    await copyIntoDatabase(await source(), target.url, { resume: true });
    const [after, copiedFrom] = [await contents(target.url), await contents(db.url)];
    expect(after['"org_their-org".agents']).toBe(before['"org_their-org".agents']);
    expect(after['"org_other-co".agents']).toBe(copiedFrom['"org_other-co".agents']);
    const [users] = await query<{ n: number }>(target.url, 'select count(*)::int as n from users');
    const [theirUsers, sourceUsers] = [
      await query<{ n: number }>(db.url, 'select count(*)::int as n from users'),
      await query<{ n: number }>(
        target.url,
        `select count(*)::int as n from users u
         join organizations o on o.id = u.organization_id where o.slug = 'their-org'`,
      ),
    ];
    expect(users?.n).toBe((theirUsers[0]?.n ?? 0) + (sourceUsers[0]?.n ?? 0));
    expect(await holdsMarker(target.url)).toBe(false);
  });

  it('is rolled back to the target’s own data when interrupted', async () => {
    const target = await theirs();
    const before = await contents(target.url);
    await expect(
      copyIntoDatabase(await source(), target.url, {
        intoExisting: true,
        onProgress: cutAfter(1),
      }),
    ).rejects.toThrow('cut off');
    expect(await rollbackTransfer(target.url)).toEqual({ source: maskUrl(db.url), schemas: 1 });
    expect(await contents(target.url)).toEqual(before);
  });
});

describe('a restore of a backup archive', () => {
  it('interrupted, is resumed past what it copied to the whole of the source', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'fleetprompt-copy-into-'));
    try {
      const file = join(folder, 'world.fpbackup');
      await backupDatabase(db.url, file);
      const target = await emptyDatabase();
      await expect(restoreArchive(file, target.url, { onProgress: cutAfter(1) })).rejects.toThrow(
        'cut off',
      );
      await expect(restoreArchive(file, target.url)).rejects.toBeInstanceOf(
        UnfinishedTransferError,
      );
      await restoreArchive(file, target.url, { resume: true });
      expect(await contents(target.url)).toEqual(await contents(db.url));
      expect(await holdsMarker(target.url)).toBe(false);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
