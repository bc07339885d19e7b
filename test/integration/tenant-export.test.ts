import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskUrl } from '../../src-main/db/connection-string.ts';
import {
  exportTenant,
  TenantNotFoundError,
  type TenantExportReport,
} from '../../src-main/db/transfer/tenant-export.ts';
import {
  openTenantArchive,
  type OpenTenantArchive,
} from '../../src-main/db/transfer/tenant-archive.ts';
import type { Harness } from '../support/harness.ts';
import type { ScratchDatabase } from '../support/scratch-database.ts';
import { sharedWorld } from '../support/shared-world.ts';
import { fromTemplate } from '../support/template-database.ts';

/*
 * What one organization's export (tenant-export.ts) reads from a live
 * database, stated against the database itself: which rows of each public
 * table are the organization's, every row of its schema, the tables' shapes
 * and order, what the manifest names. The world (two organizations sharing
 * the skills catalog) is a template copied for this file, so a mutation run
 * that starts the file once per mutant spends a second on it, not a
 * migration (docs/testing.md); the export itself is made by the tests that
 * read it (test/support/shared-world.ts). The import and the console's side
 * are in tenant-transfer.test.ts and organization-transfer.test.ts.
 */

async function build(h: Harness): Promise<void> {
  const acme = await h.org('acme-co', 'pro');
  const other = await h.org('other-co', 'pro');
  const home = await h.org('home-co', 'pro');
  const admin = h.slotFor((await h.user(home.id, 'admin', 'admin@home-co.test')).id);
  await h.user(acme.id, 'developer', 'dev@acme-co.test');
  await h.user(acme.id, 'user', 'user@acme-co.test');
  await h.user(other.id, 'developer', 'dev@other-co.test');
  const skill = (slug: string) =>
    h.ok(admin, 'skills.create', {
      name: `Skill ${slug}`,
      slug,
      category: 'research',
      tierRequired: 'free',
      systemPromptEnhancement: 'Cite sources.',
      tools: ['search'],
    });
  const shared = await skill('shared-skill');
  const acmeOnly = await skill('acme-skill');
  const otherOnly = await skill('other-skill');
  await skill('unused-skill');
  const agent = async (organizationId: string, name: string, skills: { id: string }[]) => {
    const created = await h.ok(admin, 'agents.create', {
      organizationId,
      name,
      systemPrompt: 'Line one\nline two\\with backslash',
      config: { model: 'claude-sonnet-4', max_tokens: 2048, temperature: 0.2 },
    });
    for (const s of skills)
      await h.ok(admin, 'agents.attachSkill', {
        organizationId,
        agentId: created.id,
        skillId: s.id,
      });
    await h.ok(admin, 'agents.transition', {
      organizationId,
      id: created.id,
      version: created.version,
      event: 'deploy',
    });
  };
  await agent(acme.id, 'Researcher', [shared, acmeOnly]);
  await agent(acme.id, 'Writer', [shared]);
  await agent(other.id, 'Their agent', [shared, otherOnly]);
}

let db: ScratchDatabase;
let folder = '';
let acmeId = '';
let files = 0;

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function exportTo(file: string, slug: string, url = db.url) {
  const out = createWriteStream(file);
  try {
    return await exportTenant(url, slug, out, { app: 'export-test' });
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/** Each section's rows as acme-co's archive in `file` holds them, by table name. */
async function sectionRows(file: string): Promise<Map<string, string[]>> {
  const opened = await openTenantArchive(file);
  const rows = new Map<string, string[]>();
  try {
    const sections = [
      ...opened.manifest.publicTables.map((table) => ({ schema: 'public', table })),
      ...opened.manifest.tenantTables.map((table) => ({ schema: 'org_acme-co', table })),
    ];
    for (const { schema, table } of sections) {
      let text = '';
      for await (const chunk of await opened.rows(schema, table)) text += String(chunk);
      rows.set(
        `${schema}.${table.name}`,
        text.split('\n').filter((line) => line !== ''),
      );
    }
  } finally {
    await opened.close();
  }
  return rows;
}

beforeAll(async () => {
  db = await fromTemplate('tenant_export', build);
  folder = await mkdtemp(join(tmpdir(), 'fleetprompt-tenant-export-'));
  const [acme] = await query<{ id: string }>(`select id from organizations where slug = 'acme-co'`);
  acmeId = acme?.id ?? '';
});

/** acme-co exported into a file of its own: the report, the archive read back, when it ran. */
const exported = sharedWorld(
  async (): Promise<{
    file: string;
    report: TenantExportReport;
    archive: OpenTenantArchive;
    from: number;
    to: number;
  }> => {
    const file = join(folder, `acme-${(files += 1)}.fptenant`);
    const from = Date.now();
    const report = await exportTo(file, 'acme-co');
    const to = Date.now();
    const archive = await openTenantArchive(file);
    await archive.close();
    return { file, report, archive, from, to };
  },
);

afterAll(async () => {
  await db?.drop();
  await rm(folder, { recursive: true, force: true });
});

/** The columns of a table as the database has them, in their order, generated ones left out. */
async function columnsOf(schema: string, table: string) {
  const rows = await query<{ column_name: string; identity: boolean }>(
    `select column_name, identity_generation = 'ALWAYS' as identity
       from information_schema.columns
      where table_schema = $1 and table_name = $2 and is_generated = 'NEVER'
      order by ordinal_position`,
    [schema, table],
  );
  return {
    name: table,
    columns: rows.map((r) => r.column_name),
    identity: rows.filter((r) => r.identity).map((r) => r.column_name),
  };
}

describe("an organization's export", () => {
  it('answers the slug, the number of sections and the rows written', async () => {
    const { file, report, archive } = await exported();
    const rows = [...(await sectionRows(file)).values()].reduce((n, r) => n + r.length, 0);
    expect(report).toEqual({
      slug: 'acme-co',
      sections: archive.manifest.publicTables.length + archive.manifest.tenantTables.length,
      rows,
    });
    expect(rows).toBeGreaterThan(0);
  });

  it('names the organization, its level, the app and when it was made', async () => {
    const { archive, from, to } = await exported();
    const [org] = await query<{ name: string; level: number }>(
      'select name, tenant_schema_version as level from organizations where id = $1',
      [acmeId],
    );
    const { manifest } = archive;
    expect(manifest.organization).toEqual({ id: acmeId, slug: 'acme-co', name: org?.name });
    expect(manifest.level).toBe(org?.level);
    expect(manifest.level).toBeGreaterThan(0);
    expect(manifest.app).toBe('export-test');
    const created = Date.parse(manifest.createdAt);
    expect(created).toBeGreaterThanOrEqual(from);
    expect(created).toBeLessThanOrEqual(to);
  });

  it('names its source as the console shows a database, without a password', async () => {
    const { archive } = await exported();
    expect(archive.manifest.source).toBe(maskUrl(db.url));
  });

  it('lists the public migrations applied to the source, in the order they ran', async () => {
    const { archive } = await exported();
    const ledger = await query<{ name: string }>(
      'select name from mikro_orm_migrations order by id',
    );
    expect(ledger.length).toBeGreaterThan(1);
    expect(archive.manifest.publicMigrations).toEqual(ledger.map((r) => r.name));
  });

  it('describes the public tables it holds in their order, with their columns and identity columns', async () => {
    const { archive } = await exported();
    const expected = [];
    for (const name of [
      'organizations',
      'users',
      'skills',
      'agent_index',
      'skill_usage',
      'audit_events',
    ])
      expected.push(await columnsOf('public', name));
    expect(archive.manifest.publicTables).toEqual(expected);
    expect(archive.manifest.publicTables.at(-1)?.identity).toEqual(['id']);
  });

  it("describes every table of the organization's schema, each after those it references", async () => {
    const { archive } = await exported();
    const tables = await query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'org_acme-co' and table_type = 'BASE TABLE' order by 1`,
    );
    const { tenantTables } = archive.manifest;
    expect(tenantTables.map((t) => t.name).sort()).toEqual(tables.map((t) => t.name));
    for (const table of tenantTables)
      expect(table).toEqual(await columnsOf('org_acme-co', table.name));
    const references = await query<{ table: string; references: string }>(
      `select c.conrelid::regclass::text as table, c.confrelid::regclass::text as references
         from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where c.contype = 'f' and n.nspname = 'org_acme-co' and c.conrelid <> c.confrelid`,
    );
    expect(references.length).toBeGreaterThan(0);
    const position = (qualified: string) =>
      tenantTables.findIndex((t) => qualified.endsWith(`.${t.name}`));
    for (const { table, references: referenced } of references)
      expect(position(referenced)).toBeLessThan(position(table));
  });

  it.each([
    ['organizations', 'id', `id = $1`],
    ['users', 'id', `organization_id = $1`],
    ['agent_index', 'agent_id', `organization_id = $1`],
    ['skill_usage', 'skill_id', `organization_id = $1`],
    ['audit_events', 'id', `organization_id = $1`],
    [
      'skills',
      'id',
      `id in (select skill_id from "org_acme-co".agent_skills) and $1::uuid is not null`,
    ],
  ])(
    'holds the rows of public.%s that are the organization’s, and no other',
    async (table, key, where) => {
      const { file, archive } = await exported();
      const rows = (await sectionRows(file)).get(`public.${table}`) ?? [];
      const expected = await query<{ key: string }>(
        `select ${key}::text as key from ${table} where ${where} order by 1`,
        [acmeId],
      );
      expect(expected.length).toBeGreaterThan(0);
      const columns = archive.manifest.publicTables.find((t) => t.name === table)?.columns ?? [];
      expect(columns[0]).toBe(key);
      expect(rows.map((r) => r.split('\t')[0]).sort()).toEqual(expected.map((r) => r.key).sort());
      for (const row of rows) expect(row.split('\t')).toHaveLength(columns.length);
    },
  );

  it('leaves out the skills only another organization’s agents use, and those no agent uses', async () => {
    const { file } = await exported();
    const names = (await sectionRows(file)).get('public.skills')?.join('\n') ?? '';
    expect(names).toContain('acme-skill');
    expect(names).toContain('shared-skill');
    expect(names).not.toContain('other-skill');
    expect(names).not.toContain('unused-skill');
  });

  it("holds every row of the organization's schema", async () => {
    const { file, archive } = await exported();
    const rows = await sectionRows(file);
    for (const table of archive.manifest.tenantTables) {
      const [count] = await query<{ n: number }>(
        `select count(*)::int as n from "org_acme-co".${table.name}`,
      );
      expect([table.name, rows.get(`org_acme-co.${table.name}`)?.length]).toEqual([
        table.name,
        count?.n,
      ]);
    }
    expect(rows.get('org_acme-co.agents')).toHaveLength(2);
  });

  it("records each section's fingerprint as its rows add up to", async () => {
    const { archive } = await exported();
    expect(archive.recomputed).toHaveLength(archive.fingerprints.length);
    expect(archive.recomputed.every(Boolean)).toBe(true);
    expect(archive.fingerprints.every((f) => f.rows >= 0)).toBe(true);
  });

  it('leaves no connection open to the database', async () => {
    await exported();
    const [open] = await query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database()
          and pid <> pg_backend_pid()`,
    );
    expect(open?.n).toBe(0);
  });
});

describe('an export while the organization is written to', () => {
  it('holds the organization as it was when the export began, a write committed meanwhile left out', async () => {
    const source = await fromTemplate('tenant_export', build);
    const writer = new pg.Client({ connectionString: source.url });
    await writer.connect();
    try {
      // the export's first read of the agents waits behind this transaction, begun before it
      await writer.query('begin');
      await writer.query(`update "org_acme-co".agents set name = 'Renamed' where name = 'Writer'`);
      await writer.query('lock table "org_acme-co".agents in access exclusive mode');
      const file = join(folder, 'written-to.fptenant');
      let settled = false;
      const exporting = exportTo(file, 'acme-co', source.url).finally(() => (settled = true));
      exporting.catch(() => undefined);
      for (let waiting = 0; waiting === 0 && !settled;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const { rows } = await writer.query<{ n: number }>(
          `select count(*)::int as n from pg_locks
            where not granted and relation = '"org_acme-co".agents'::regclass`,
        );
        waiting = rows[0]?.n ?? 0;
      }
      await writer.query('commit');
      await exporting;
      const agents = (await sectionRows(file)).get('org_acme-co.agents')?.join('\n') ?? '';
      expect(agents).toContain('Writer');
      expect(agents).not.toContain('Renamed');
    } finally {
      await writer.end();
      await source.drop();
    }
  });
});

describe('an export refused', () => {
  it('for a slug no organization has, naming it', async () => {
    const refused = exportTo(join(folder, 'nobody.fptenant'), 'nobody-co');
    await expect(refused).rejects.toBeInstanceOf(TenantNotFoundError);
    await expect(refused).rejects.toThrow('No organization has the slug "nobody-co".');
    await expect(refused).rejects.toMatchObject({ name: 'TenantNotFoundError' });
  });

  it('for a source without one of the public tables it holds, naming it', async () => {
    const source = await fromTemplate('tenant_export', build);
    try {
      const client = new pg.Client({ connectionString: source.url });
      await client.connect();
      await client.query('drop table skill_usage');
      await client.end();
      await expect(
        exportTo(join(folder, 'broken.fptenant'), 'acme-co', source.url),
      ).rejects.toThrow('The table public.skill_usage is missing');
    } finally {
      await source.drop();
    }
  });
});
