import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllTenants } from '../../src-main/db/fan-out.ts';
import { deprovisionOrganization, provisionOrganization } from '../../src-main/db/tenancy.ts';
import { tenantMigrationScripts } from '../../src-main/db/tenant-migrator.ts';
import { Organization } from '../../src-main/db/entities/index.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem } from '../support/services.ts';

const NAMES = TENANT_MIGRATIONS.map((m) => m.name);
/** The release before the ledger moved to public: each tenant's ledger was a table of its own. */
const BEFORE_THE_MOVE = TENANT_MIGRATIONS.slice(0, 4);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** An organization whose schema was made by an older release, `migrations` long. */
async function olderTenant(slug: string, migrations: typeof TENANT_MIGRATIONS) {
  await db.orm.em
    .fork()
    .transactional((tx) =>
      provisionOrganization(tx, { name: `Org ${slug}`, slug, tier: 'free' }, migrations),
    );
}

const ledger = (slug: string) =>
  db.sql<{ name: string; executed_at: Date }>(
    `select name, executed_at from "org_${slug}".mikro_orm_migrations order by id`,
  );

const publicLedgerRows = async (slug: string) =>
  Number(
    (
      await db.sql<{ n: string }>(
        'select count(*) as n from public.tenant_migrations where tenant_slug = $1',
        [slug],
      )
    )[0]?.n,
  );

const ledgerKind = async (slug: string) =>
  (
    await db.sql<{ relkind: string }>(
      `select relkind from pg_class where oid = '"org_${slug}".mikro_orm_migrations'::regclass`,
    )
  )[0]?.relkind;

describe("a tenant's migration ledger", () => {
  it('moves to public when an older tenant is migrated, its rows in order with their times', async () => {
    await olderTenant('led-old', BEFORE_THE_MOVE);
    const before = await ledger('led-old');
    expect(await ledgerKind('led-old')).toBe('r');

    const result = await migrateAllTenants(db.orm.em);

    expect(result.failed).toEqual([]);
    expect(await ledgerKind('led-old')).toBe('v');
    const after = await ledger('led-old');
    expect(after.map((row) => row.name)).toEqual(NAMES);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(await publicLedgerRows('led-old')).toBe(NAMES.length);
  });

  it('keeps the order migrations were applied in for a tenant further behind than the move', async () => {
    await olderTenant('led-older', TENANT_MIGRATIONS.slice(0, 2));

    await migrateAllTenants(db.orm.em);

    expect((await ledger('led-older')).map((row) => row.name)).toEqual(NAMES);
  });

  it('is a view of public rows for a tenant made now, listing every migration once', async () => {
    await asSystem(db)('organizations.create', { name: 'New', slug: 'led-new', tier: 'free' });
    expect(await ledgerKind('led-new')).toBe('v');
    expect((await ledger('led-new')).map((row) => row.name)).toEqual(NAMES);
  });

  it("records a row written through a tenant's ledger as that tenant's", async () => {
    await asSystem(db)('organizations.create', { name: 'Hand', slug: 'led-hand', tier: 'free' });
    await db.sql(`insert into "org_led-hand".mikro_orm_migrations (name) values ('by_hand')`);
    const rows = await db.sql<{ tenant_slug: string }>(
      "select tenant_slug from public.tenant_migrations where name = 'by_hand'",
    );
    expect(rows).toEqual([{ tenant_slug: 'led-hand' }]);
  });

  it("refuses a row for another tenant written through a tenant's ledger", async () => {
    await asSystem(db)('organizations.create', { name: 'Own', slug: 'led-own', tier: 'free' });
    await expect(
      db.sql(
        `insert into "org_led-own".mikro_orm_migrations (name, tenant_slug) values ('elsewhere', 'led-new')`,
      ),
    ).rejects.toThrow(/check option/);
  });

  it('goes with its organization', async () => {
    const org = await asSystem(db)('organizations.create', {
      name: 'Gone',
      slug: 'led-gone',
      tier: 'free',
    });
    await db.orm.em
      .fork()
      .transactional(async (tx) =>
        deprovisionOrganization(tx, await tx.findOneOrFail(Organization, org.id)),
      );
    expect(await publicLedgerRows('led-gone')).toBe(0);
  });

  it('is moved only from inside a tenant schema', async () => {
    const move = (await tenantMigrationScripts(db.orm.em)).find(
      (m) => m.name === 'Migration20261130000105_ledger_in_public',
    );
    expect(move).toBeDefined();
    await expect(
      db.sql(['set local search_path to public', ...(move?.sql ?? [])].join(';\n')),
    ).rejects.toThrow(/runs in a tenant schema, not in public/);
  });
});
