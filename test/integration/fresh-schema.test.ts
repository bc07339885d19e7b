import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { findDrift } from '../../src-main/db/structure/check.ts';
import { schemaItems } from '../../src-main/db/structure/catalog.ts';
import {
  freshSchemaStatements,
  LEDGER_IN_PUBLIC,
  migratedSchemaStatements,
  tenantMigrationScripts,
  type TenantMigrationScript,
} from '../../src-main/db/tenant-migrator.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let scripts: TenantMigrationScript[];
beforeAll(async () => {
  db = await createTestDatabase();
  scripts = await tenantMigrationScripts(db.orm.em);
});
afterAll(() => db.drop());

/** An organization at `level` whose schema `statements` create, in one committed transaction. */
async function tenantOf(slug: string, level: number, statements: string[]): Promise<void> {
  await db.sql(
    `begin;
     insert into public.organizations (name, slug, tier, monthly_token_limit, agent_limit, workflow_limit,
                                       tenant_schema_version)
     values ('Org ${slug}', '${slug}', 'free', 100000, 3, 0, ${level});
     ${statements.join(';\n')};
     commit`,
  );
}

/** What the catalog holds of a schema beyond its items: column order, TOAST, owner, grants, ledger. */
async function catalogOf(slug: string) {
  const schema = `org_${slug}`;
  const relations = await db.sql(
    `select c.relname, c.relkind, c.relpersistence, c.reloptions, c.relacl::text as acl,
            pg_get_userbyid(c.relowner) as owner, c.reltoastrelid <> 0 as toasted, c.relnatts,
            array(select a.attname || ' ' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod)
                    from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 order by a.attnum) as columns
       from pg_class c where c.relnamespace = $1::regnamespace order by c.relname`,
    [schema],
  );
  const ledger = await db.sql<{ name: string }>(
    `select name from "${schema}".mikro_orm_migrations order by id`,
  );
  const moments = await db.sql<{ n: number }>(
    `select count(distinct executed_at)::int as n from "${schema}".mikro_orm_migrations`,
  );
  const publicRows = await db.sql<{ name: string }>(
    'select name from public.tenant_migrations where tenant_slug = $1 order by id',
    [slug],
  );
  return {
    relations,
    ledger: ledger.map((row) => row.name),
    moments: moments[0]?.n,
    publicRows: publicRows.map((row) => row.name),
  };
}

describe('a new tenant schema made at its level at once', () => {
  it('never makes the ledger table that migrations 1 to 4 write to', () => {
    expect(scripts.map((s) => s.name)).toContain(LEDGER_IN_PUBLIC);
    const sql = freshSchemaStatements('fresh-now', scripts).join(';\n');

    expect(sql).not.toMatch(/create table mikro_orm_migrations/);
    expect(sql).not.toMatch(/drop table/);
  });

  it('has exactly the structure and ledger of a schema migrated step by step, at every level', async () => {
    for (let level = 0; level <= TENANT_MIGRATIONS.length; level++) {
      const at = scripts.slice(0, level);
      // slugs of one length: the items hold the schema's name nowhere, the view its slug alone
      const [fresh, stepped] = [`fresh-${level}`, `steps-${level}`];
      await tenantOf(fresh, level, freshSchemaStatements(fresh, at));
      await tenantOf(stepped, level, migratedSchemaStatements(`org_${stepped}`, at));

      const items = await schemaItems(db.orm.em, [`org_${fresh}`, `org_${stepped}`]);
      expect(items.get(`org_${fresh}`), `items at level ${level}`).toEqual(
        items.get(`org_${stepped}`),
      );
      const [made, migrated] = [await catalogOf(fresh), await catalogOf(stepped)];
      expect(made, `catalog at level ${level}`).toEqual(migrated);
      expect(made.ledger).toEqual(at.map((s) => s.name));
      expect(made.publicRows).toEqual(level >= 5 ? made.ledger : []);
      if (level > 0) expect(made.moments).toBe(1);
    }
  });

  it('is what the drift check expects of a schema migrated step by step', async () => {
    await tenantOf('drift-old', scripts.length, migratedSchemaStatements('org_drift-old', scripts));

    const found = await findDrift(db.orm.em);

    expect(found.drifted).toEqual([]);
    expect(found.orphanSchemas).toEqual([]);
  });
});
