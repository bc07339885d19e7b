import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maskUrl } from '../../src-main/db/connection-string.ts';
import { schemasOf } from '../../src-main/db/transfer/describe.ts';
import { UnfinishedTransferError, writeMarker } from '../../src-main/db/transfer/marker.ts';
import { openDatabaseSource, type TransferSource } from '../../src-main/db/transfer/source.ts';
import { connectionsTo, query } from '../support/database-contents.ts';
import type { Harness } from '../support/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { fromTemplate } from '../support/template-database.ts';

/*
 * A live database as the source of a move or a backup (source.ts), stated
 * against the database itself: what it describes, the rows it answers, the
 * fingerprints of the snapshot it opened beside those of the database as
 * it is now, what it refuses and the connections it leaves. The copies
 * made from it are in transfer.test.ts; this file copies a template world
 * (test/support/template-database.ts), so a mutation run can afford it.
 */

async function build(h: Harness): Promise<void> {
  const acme = await h.org('acme-co', 'pro');
  const other = await h.org('other-co', 'free');
  const admin = h.slotFor((await h.user(acme.id, 'admin', 'admin@acme-co.test')).id);
  await h.user(other.id, 'developer', 'dev@other-co.test');
  for (const [organizationId, name] of [
    [acme.id, 'Researcher'],
    [acme.id, 'Writer'],
    [other.id, 'Theirs'],
  ] as const)
    await h.ok(admin, 'agents.create', {
      organizationId,
      name,
      systemPrompt: 'Line one\nline two\\with backslash',
      config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2 },
    });
}

let db: ScratchDatabase;
const opened: TransferSource[] = [];

async function open(url = db.url): Promise<TransferSource> {
  const source = await openDatabaseSource(url);
  opened.push(source);
  return source;
}

async function textOf(stream: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

beforeAll(async () => {
  db = await fromTemplate('database_source', build);
});

afterAll(async () => {
  for (const source of opened) await source.close();
  await db?.drop();
});

describe('a live database as a source', () => {
  it('is named as the console shows a database, without a password', async () => {
    const source = await open();
    expect(source.label).toBe(maskUrl(db.url));
    await source.close();
  });

  it('describes its public tables, its migrations and each organization with its level', async () => {
    const source = await open();
    const { description } = source;
    await source.close();
    const ledger = await query<{ name: string }>(
      db.url,
      'select name from mikro_orm_migrations order by id',
    );
    expect(description.publicMigrations).toEqual(ledger.map((r) => r.name));
    const organizations = await query<{ slug: string; level: number }>(
      db.url,
      'select slug, tenant_schema_version as level from organizations order by slug',
    );
    expect(description.tenants.map(({ slug, level }) => ({ slug, level }))).toEqual(organizations);
    expect(description.publicTables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['organizations', 'users', 'audit_events', 'agent_index']),
    );
  });

  it("answers every table's rows as the database holds them, public first, then each organization's", async () => {
    const source = await open();
    const schemas = schemasOf(source.description);
    expect(schemas.map((s) => s.schema)).toEqual(['public', 'org_acme-co', 'org_other-co']);
    for (const { schema, tables } of schemas)
      for (const table of tables) {
        const lines = (await textOf(await source.rows(schema, table))).split('\n').filter(Boolean);
        const [count] = await query<{ n: number }>(
          db.url,
          `select count(*)::int as n from "${schema}"."${table.name}"`,
        );
        expect([schema, table.name, lines.length]).toEqual([schema, table.name, count?.n]);
        for (const line of lines) expect(line.split('\t')).toHaveLength(table.columns.length);
      }
    await source.close();
  });

  it('answers the fingerprints of the snapshot it opened, and expects the database as it is now', async () => {
    const source = await open();
    const [acme] = schemasOf(source.description).filter((s) => s.schema === 'org_acme-co');
    const tables = acme?.tables ?? [];
    const before = await source.expected('org_acme-co', tables);
    await query(db.url, 'delete from "org_acme-co".agents where name = $1', ['Writer']);
    const snapshot = await source.snapshot('org_acme-co', tables);
    const now = await source.expected('org_acme-co', tables);
    const agents = tables.findIndex((t) => t.name === 'agents');
    expect(snapshot).toEqual(before);
    expect(before[agents]?.rows).toBe(2);
    expect(now[agents]?.rows).toBe(1);
    const rows = await textOf(await source.rows('org_acme-co', tables[0]!));
    expect(tables[0]?.name).toBe('agents');
    expect(rows).toContain('Writer');
    await source.close();
  });

  it("answers each schema's snapshot fingerprints, also for a schema asked after another", async () => {
    const source = await open();
    const schemas = schemasOf(source.description);
    for (const { schema, tables } of schemas) {
      const fingerprints = await source.snapshot(schema, tables);
      expect(fingerprints).toHaveLength(tables.length);
      expect(fingerprints).toEqual(await source.expected(schema, tables));
    }
    await source.close();
  });

  it('answers the tables asked for in a schema, and every table of the others read with it', async () => {
    const source = await open();
    const [acme, other] = schemasOf(source.description).filter((s) => s.schema.startsWith('org_'));
    // the two organizations share a batch: the first asked fingerprints both
    const some = acme?.tables.slice(0, 1) ?? [];
    expect(await source.snapshot('org_acme-co', some)).toEqual(
      await source.expected('org_acme-co', some),
    );
    const all = other?.tables ?? [];
    expect(await source.snapshot('org_other-co', all)).toEqual(
      await source.expected('org_other-co', all),
    );
    expect(all.length).toBeGreaterThan(1);
    await source.close();
  });

  it('answers no fingerprints for a schema asked with no tables', async () => {
    const source = await open();
    expect(await source.snapshot('org_acme-co', [])).toEqual([]);
    await source.close();
  });

  it('closes every connection it opened', async () => {
    const source = await open();
    const [first] = schemasOf(source.description);
    await textOf(await source.rows('public', first!.tables[0]!));
    await source.expected('public', first!.tables);
    expect(await connectionsTo(db.url)).toBeGreaterThanOrEqual(3);
    await source.close();
    expect(await connectionsTo(db.url)).toBe(0);
  });

  it('fails a batch begun after the connection holding its snapshot was lost', async () => {
    const source = await open();
    await query(
      db.url,
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state = 'idle in transaction'`,
    );
    // the holder hears its end a moment after the server ends it
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [first] = schemasOf(source.description);
    // the holder's loss itself, as the server told it (57P01: terminated by an administrator),
    // not the server's later refusal of a snapshot it no longer knows
    await expect(source.rows('public', first!.tables[0]!)).rejects.toMatchObject({
      code: '57P01',
    });
    await source.close();
  });

  it('refuses to read once closed, saying so', async () => {
    const source = await open();
    await source.close();
    const [first] = schemasOf(source.description);
    await expect(source.rows('public', first!.tables[0]!)).rejects.toThrow('The source is closed');
  });
});

describe('a database refused as a source', () => {
  it('when it holds no FleetPrompt data, naming it', async () => {
    const empty = await createScratchDatabase(inject('serverUrl'), 'fp_source');
    try {
      await expect(open(empty.url)).rejects.toThrow(
        `${maskUrl(empty.url)} holds no FleetPrompt data to copy.`,
      );
      expect(await connectionsTo(empty.url)).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it('when it holds an unfinished copy, naming where that copy came from', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await writeMarker(client, {
      source: 'postgres://elsewhere.example/fleet',
      startedAt: new Date().toISOString(),
      slugs: [],
      objectsBefore: [],
      appended: false,
    });
    try {
      const refused = open();
      await expect(refused).rejects.toBeInstanceOf(UnfinishedTransferError);
      await expect(refused).rejects.toThrow('postgres://elsewhere.example/fleet');
      expect(await connectionsTo(db.url)).toBe(1);
    } finally {
      await client.query(
        'drop table fleetprompt_transfer, fleetprompt_transfer_done, fleetprompt_transfer_keys',
      );
      await client.end();
    }
  });
});
