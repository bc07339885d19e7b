import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllTenants, rollbackTenants } from '../../src-main/db/fan-out.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem } from '../support/services.ts';

const NAMES = TENANT_MIGRATIONS.map((m) => m.name);
const LATEST = NAMES.length;
const SLUGS = ['down-a', 'down-b', 'down-c', 'down-kept'];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  for (const slug of SLUGS)
    await asSystem(db)('organizations.create', { name: slug, slug, tier: 'free' });
});
afterAll(() => db.drop());

const levelOf = async (slug: string) =>
  Number(
    (
      await db.sql<{ level: number }>(
        'select tenant_schema_version as level from organizations where slug = $1',
        [slug],
      )
    )[0]?.level,
  );

const ledger = async (slug: string) =>
  (
    await db.sql<{ name: string }>(
      `select name from "org_${slug}".mikro_orm_migrations order by id`,
    )
  ).map((row) => row.name);

const publicLedger = async (slug: string) =>
  (
    await db.sql<{ name: string }>(
      'select name from public.tenant_migrations where tenant_slug = $1 order by id',
      [slug],
    )
  ).map((row) => row.name);

const relations = async (slug: string) =>
  (
    await db.sql<{ relname: string; relkind: string }>(
      `select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 order by 1`,
      [`org_${slug}`],
    )
  ).map((row) => `${row.relname}:${row.relkind}`);

const rollback = (to: number, slugs?: string[]) =>
  rollbackTenants(db.orm.em, { to, ...(slugs ? { slugs } : {}) });

describe('tenant rollback (db:migrate --down-to)', () => {
  it('takes the named tenants back level by level, their ledgers and levels exact, the others untouched', async () => {
    const progress: MigrationProgress[] = [];
    const result = await rollbackTenants(db.orm.em, {
      to: 3,
      slugs: ['down-a', 'down-b'],
      onProgress: (p) => progress.push(p),
    });

    expect(result).toEqual({ total: 2, migrated: 2, failed: [] });
    // counted one by one; which of the two workers finishes first is not decided
    expect(progress.map((p) => [p.done, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(progress.map((p) => p.slug).sort()).toEqual(['down-a', 'down-b']);
    for (const slug of ['down-a', 'down-b']) {
      expect(await levelOf(slug)).toBe(3);
      // below level 5 the ledger is the tenant's own table again, and public holds none of its rows
      expect(await ledger(slug)).toEqual(NAMES.slice(0, 3));
      expect(await publicLedger(slug)).toEqual([]);
      expect(await relations(slug)).not.toContain('mikro_orm_migrations_name_unique:i');
      expect(await relations(slug)).toContain('mikro_orm_migrations:r');
      expect(await relations(slug)).toContain('agents_name_trgm_idx:i');
    }
    expect(await levelOf('down-c')).toBe(LATEST);
    expect(await publicLedger('down-c')).toEqual(NAMES);
  });

  it('continues a rerun with the tenants still above the level, leaving those already there alone', async () => {
    const result = await rollback(3);

    expect(result.total).toBe(2);
    expect(result.failed).toEqual([]);
    for (const slug of SLUGS) expect(await levelOf(slug)).toBe(3);
  });

  it('brings rolled-back tenants up again with the fan-out, the ledger back in public', async () => {
    const result = await migrateAllTenants(db.orm.em);

    expect(result.failed).toEqual([]);
    for (const slug of SLUGS) {
      expect(await levelOf(slug)).toBe(LATEST);
      expect(await publicLedger(slug)).toEqual(NAMES);
      expect(await relations(slug)).toContain('mikro_orm_migrations:v');
    }
  });

  it('refuses to undo a migration that would delete rows, names that tenant and rolls back the others', async () => {
    const kept = await asSystem(db)('organizations.create', {
      name: 'Keeps agents',
      slug: 'down-agents',
      tier: 'free',
    });
    await asSystem(db)('agents.create', {
      organizationId: kept.id,
      name: 'Stays',
      systemPrompt: 'p',
    });

    const result = await rollback(0, ['down-agents', 'down-c']);

    expect(result.migrated).toBe(1);
    expect(result.failed.map((f) => f.schema)).toEqual(['org_down-agents']);
    expect(result.failed[0]?.message).toMatch(/agents holds rows/);
    expect(await levelOf('down-agents')).toBe(LATEST);
    expect(await publicLedger('down-agents')).toEqual(NAMES);
    expect(await levelOf('down-c')).toBe(0);
    expect(await relations('down-c')).toEqual([
      'mikro_orm_migrations:r',
      'mikro_orm_migrations_id_seq:S',
      'mikro_orm_migrations_pkey:i',
    ]);
    expect(await ledger('down-c')).toEqual([]);
  });

  it('refuses a tenant whose ledger does not list a migration its level says it has', async () => {
    await db.sql(
      `delete from public.tenant_migrations where tenant_slug = 'down-kept' and name = $1`,
      [NAMES[LATEST - 2]],
    );

    const result = await rollback(2, ['down-kept']);

    expect(result.failed.map((f) => f.slug)).toEqual(['down-kept']);
    expect(result.failed[0]?.message).toContain(`its ledger does not list ${NAMES[LATEST - 2]}`);
    expect(await levelOf('down-kept')).toBe(LATEST);
    expect(await publicLedger('down-kept')).toHaveLength(LATEST - 1);
  });

  it('refuses a slug no organization has before touching any tenant', async () => {
    await expect(rollback(1, ['down-a', 'down-nobody'])).rejects.toThrow(
      /No organization has the slug down-nobody/,
    );
    expect(await levelOf('down-a')).toBe(LATEST);
  });

  it('refuses a level this release does not have', async () => {
    await expect(rollback(LATEST + 1)).rejects.toThrow(/from 0 to/);
  });

  it('runs from the command line, naming each failed tenant and exiting non-zero', () => {
    const run = spawnSync(
      process.execPath,
      ['src-main/cli/migrate.ts', '--down-to', '0', '--tenants', 'down-a,down-agents'],
      {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          FLEETPROMPT_HOME: mkdtempSync(join(tmpdir(), 'fleetprompt-rollback-')),
        },
        encoding: 'utf8',
      },
    );

    expect(run.stdout).toContain('tenants rolled back: 2/2');
    expect(run.stdout).toContain('1/2 tenants rolled back to level 0');
    expect(run.stdout).toContain('org_down-agents: agents holds rows');
    expect(run.status).toBe(1);
  });

  it('records the command-line rollback in the audit log, with what was asked and how it ended', async () => {
    const [row] = await db.sql<{ actor_label: string; changes: Record<string, { to: unknown }> }>(
      "select actor_label, changes from audit_events where action = 'tenancy.rollback'",
    );
    expect(row?.actor_label).toBe('command line');
    expect(row?.changes.downTo?.to).toBe(0);
    expect(row?.changes.rolledBack?.to).toBe(1);
    expect(row?.changes.failed?.to).toEqual(['down-agents']);
    expect(await levelOf('down-a')).toBe(0);
  });
});
