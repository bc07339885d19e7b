import { Migration } from '@mikro-orm/migrations';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllTenants, tenantsBehind } from '../../src-main/db/fan-out.ts';
import { levelMigrationBlock, tenantMigrationScripts } from '../../src-main/db/tenant-migrator.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem } from '../support/services.ts';

class AddNotes extends Migration {
  override name = 'Migration29990101000001_agent_notes';
  override up(): void {
    this.addSql('alter table agents add column notes text');
  }
}
const NEXT_RELEASE = [...TENANT_MIGRATIONS, AddNotes];
/** Runs again without an error: only the ledger can tell that it already ran. */
const MARK_APPLIED = 'Migration29990101000002_applied_marks';
class MarkApplied extends Migration {
  override name = MARK_APPLIED;
  override up(): void {
    this.addSql('create table if not exists applied_marks (id serial primary key)');
    this.addSql('insert into applied_marks default values');
  }
}
const MARKED_RELEASE = [...NEXT_RELEASE, MarkApplied];
const SLUGS = ['fan-a', 'fan-b', 'fan-broken', 'fan-c', 'fan-d'];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  for (const slug of SLUGS) {
    await asSystem(db)('organizations.create', { name: slug, slug, tier: 'free' });
  }
  // damage one tenant by hand: its agents table is gone, so the new migration cannot apply
  await db.sql('drop table "org_fan-broken".agents cascade');
});
afterAll(() => db.drop());

describe('tenant migration fan-out', () => {
  it('knows from public alone that nothing is behind after provisioning', async () => {
    expect(await tenantsBehind(db.orm.em, TENANT_MIGRATIONS.length)).toEqual([]);
  });

  it('applies a new tenant migration to every tenant, reports the broken one by name and migrates the rest', async () => {
    const progress: MigrationProgress[] = [];
    const result = await migrateAllTenants(db.orm.em, {
      migrations: NEXT_RELEASE,
      concurrency: 3,
      onProgress: (p) => progress.push(p),
    });

    expect(result.total).toBe(5);
    expect(result.migrated).toBe(4);
    expect(result.failed.map((f) => f.schema)).toEqual(['org_fan-broken']);
    expect(result.failed[0]?.message).toMatch(/agents/);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBe(true);

    const columns = await db.sql<{ table_schema: string }>(
      "select table_schema from information_schema.columns where column_name = 'notes' order by 1",
    );
    expect(columns.map((c) => c.table_schema)).toEqual([
      'org_fan-a',
      'org_fan-b',
      'org_fan-c',
      'org_fan-d',
    ]);
  });

  it('leaves the failed tenant behind, at its old level, for the next run', async () => {
    expect(await tenantsBehind(db.orm.em, NEXT_RELEASE.length)).toEqual(['fan-broken']);
    const [row] = await db.sql<{ tenant_schema_version: number }>(
      "select tenant_schema_version from organizations where slug = 'fan-broken'",
    );
    expect(row?.tenant_schema_version).toBe(TENANT_MIGRATIONS.length);
  });

  it('does nothing for tenants already up to date', async () => {
    const result = await migrateAllTenants(db.orm.em, { migrations: NEXT_RELEASE });
    expect(result.total).toBe(1);
    expect(result.failed.map((f) => f.slug)).toEqual(['fan-broken']);
  });

  it("applies only what a tenant's ledger lacks, even when its recorded level says less", async () => {
    await asSystem(db)('organizations.create', { name: 'fan-e', slug: 'fan-e', tier: 'free' });
    await db.sql("update organizations set tenant_schema_version = 1 where slug = 'fan-e'");
    await migrateAllTenants(db.orm.em, { migrations: NEXT_RELEASE });
    const ledger = await db.sql<{ name: string }>(
      'select name from "org_fan-e".mikro_orm_migrations order by id',
    );
    expect(ledger.map((row) => row.name)).toEqual([
      ...TENANT_MIGRATIONS.map((m) => m.name),
      'Migration29990101000001_agent_notes',
    ]);
    expect(await tenantsBehind(db.orm.em, NEXT_RELEASE.length)).toEqual(['fan-broken']);
  });

  it('refuses a tenant found below the level its batch was read at, instead of skipping what it lacks', async () => {
    const scripts = await tenantMigrationScripts(db.orm.em, MARKED_RELEASE);
    const block = levelMigrationBlock(['fan-broken'], scripts, NEXT_RELEASE.length);
    await expect(db.sql(block)).rejects.toThrow(/org_fan-broken is below level/);
  });

  it('refuses to record a migration twice in a tenant ledger', async () => {
    await expect(
      db.sql(
        `insert into "org_fan-a".mikro_orm_migrations (name) values ('${MARK_APPLIED}'), ('${MARK_APPLIED}')`,
      ),
    ).rejects.toThrow(/tenant_migrations_name_unique/);
  });

  it('never runs a migration twice in a tenant whose ledger is ahead of its level, even one that would run again', async () => {
    await asSystem(db)('organizations.create', { name: 'fan-f', slug: 'fan-f', tier: 'free' });
    await migrateAllTenants(db.orm.em, { migrations: NEXT_RELEASE });
    // as MikroORM's migrator run on the schema by hand would leave it: in the ledger, not in the level
    await db.sql(`create table "org_fan-f".applied_marks (id serial primary key);
      insert into "org_fan-f".applied_marks default values;
      insert into "org_fan-f".mikro_orm_migrations (name) values ('${MARK_APPLIED}')`);

    // a batch of one tenant each, so that fan-f's batch holds no other tenant's failure
    const result = await migrateAllTenants(db.orm.em, {
      migrations: MARKED_RELEASE,
      concurrency: 20,
    });

    expect(result.failed.map((f) => f.slug)).toEqual(['fan-broken']);
    const [marks] = await db.sql<{ n: string }>(
      'select count(*) as n from "org_fan-f".applied_marks',
    );
    expect(Number(marks?.n)).toBe(1);
    expect(await tenantsBehind(db.orm.em, MARKED_RELEASE.length)).toEqual(['fan-broken']);
  });
});
