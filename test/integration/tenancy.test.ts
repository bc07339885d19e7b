import { Migration } from '@mikro-orm/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Organization } from '../../src-main/db/entities/index.ts';
import {
  deprovisionOrganization,
  provisionOrganization,
  tenantEm,
} from '../../src-main/db/tenancy.ts';
import { TENANT_MIGRATION_NAMES } from '../../src-main/db/tenant-migrator.ts';
import { TENANT_MIGRATIONS } from '../../migrations/tenant/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { MikroOrmTenantMigrator } from '../support/mikro-orm-tenant-migrator.ts';
import { asSystem } from '../support/services.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const schemas = async () =>
  (
    await db.sql<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'org\\_%' order by 1",
    )
  ).map((r) => r.nspname);

async function newOrg(slug: string, tier: 'free' | 'pro' | 'enterprise' = 'pro') {
  return asSystem(db)('organizations.create', { name: `Org ${slug}`, slug, tier });
}

async function newAgent(organizationId: string, name = 'Test Agent') {
  return asSystem(db)('agents.create', {
    organizationId,
    name,
    description: 'A test agent',
    systemPrompt: 'You are helpful.',
  });
}

describe('tenancy', () => {
  it('creates an agent in the tenant context with status draft (spec test 1)', async () => {
    const org = await newOrg('spec-one');
    const agent = await newAgent(org.id);
    expect(agent.name).toBe('Test Agent');
    expect(agent.status).toBe('draft');
    const rows = await db.sql('select name, status from "org_spec-one".agents');
    expect(rows).toEqual([{ name: 'Test Agent', status: 'draft' }]);
  });

  it('deploys an agent to deploying (spec test 2)', async () => {
    const org = await newOrg('spec-two');
    const agent = await newAgent(org.id);
    const deployed = await asSystem(db)('agents.transition', {
      organizationId: org.id,
      id: agent.id,
      version: agent.version,
      event: 'deploy',
    });
    expect(deployed.status).toBe('deploying');
  });

  it('works end to end with a hyphenated slug (org_test-org)', async () => {
    const org = await newOrg('test-org');
    expect(org.schema).toBe('org_test-org');
    expect(await schemas()).toContain('org_test-org');
    await newAgent(org.id, 'Hyphen Agent');
    const agents = await tenantEm(db.orm.em, 'test-org').find(Agent, {});
    expect(agents.map((a) => a.name)).toEqual(['Hyphen Agent']);
    const relations = await db.sql<{ relname: string; relkind: string }>(
      `select relname, relkind from pg_class
        where relnamespace = 'org_test-org'::regnamespace and relkind in ('r', 'v') order by 1`,
    );
    expect(relations).toEqual([
      { relname: 'agent_skills', relkind: 'r' },
      { relname: 'agent_transitions', relkind: 'r' },
      { relname: 'agents', relkind: 'r' },
      { relname: 'mikro_orm_migrations', relkind: 'v' },
    ]);
  });

  it('keeps an agent written in org A invisible through org B', async () => {
    const a = await newOrg('iso-a');
    await newOrg('iso-b');
    await newAgent(a.id, 'Only In A');
    expect(await tenantEm(db.orm.em, 'iso-a').count(Agent, {})).toBe(1);
    expect(await tenantEm(db.orm.em, 'iso-b').count(Agent, {})).toBe(0);
  });

  it('records the tenant migration level on the organization row', async () => {
    const org = await newOrg('level');
    const [row] = await db.sql<{ tenant_schema_version: number }>(
      'select tenant_schema_version from organizations where id = $1',
      [org.id],
    );
    expect(row?.tenant_schema_version).toBe(TENANT_MIGRATIONS.length);
  });

  it('finds agents by part of their name through the trigram index, not by reading every agent', async () => {
    const org = await newOrg('name-search');
    await db.sql(
      `insert into "org_name-search".agents (name, system_prompt)
       select 'Agent ' || g || case when g % 100 = 0 then ' research' else '' end, 'p'
         from generate_series(1, 5000) g`,
    );
    await db.sql('analyze "org_name-search".agents');
    const [plan] = await db.sql<{ 'QUERY PLAN': unknown }>(
      `explain (format json) select count(*) from "org_name-search".agents where name ilike '%research%'`,
    );
    expect(JSON.stringify(plan?.['QUERY PLAN'])).toContain('"Index Name":"agents_name_trgm_idx"');
    const page = await asSystem(db)('agents.list', {
      organizationId: org.id,
      page: 1,
      pageSize: 10,
      search: 'RESEARCH',
    });
    expect(page.total).toBe(50);
  });

  it("writes MikroORM's own ledger, so MikroORM's migrator finds only a later migration pending", async () => {
    const ledger = (schema: string) =>
      db.sql(
        `select column_name, data_type, is_nullable, character_maximum_length, datetime_precision,
                replace(column_default, substr($1, 5), 'TENANT') as column_default
           from information_schema.columns
          where table_schema = $1 and table_name = 'mikro_orm_migrations' order by column_name`,
        [schema],
      );
    await newOrg('ledger-new');
    const byMigrator = await db.orm.em.fork().transactional(async (tx) => {
      // a tenant's ledger rows belong to its organization
      await tx.execute(
        "insert into organizations (name, slug) values ('By migrator', 'ledger-old')",
      );
      await tx.execute('create schema "org_ledger-old"');
      return new MikroOrmTenantMigrator(tx).upIn('org_ledger-old', tx);
    });
    expect(byMigrator).toEqual(TENANT_MIGRATION_NAMES);
    expect(await ledger('org_ledger-new')).toEqual(await ledger('org_ledger-old'));
    class NextRelease extends Migration {
      override name = 'Migration29990101000003_next';
      override up(): void {
        this.addSql('alter table agents add column next_release boolean');
      }
    }
    const applied = await db.orm.em
      .fork()
      .transactional((tx) =>
        new MikroOrmTenantMigrator(tx, [...TENANT_MIGRATIONS, NextRelease]).upIn(
          'org_ledger-new',
          tx,
        ),
      );
    expect(applied).toEqual(['Migration29990101000003_next']);
  });

  it('refuses a tenant migration that runs a query itself, leaving no row and no schema', async () => {
    class RunsItsOwnQuery extends Migration {
      override name = 'Migration29990101000004_runs_query';
      override async up(): Promise<void> {
        await this.execute('create table outside_the_tenant (id int)');
      }
    }
    await expect(
      db.orm.em
        .fork()
        .transactional((tx) =>
          provisionOrganization(tx, { name: 'Querying', slug: 'querying', tier: 'free' }, [
            ...TENANT_MIGRATIONS,
            RunsItsOwnQuery,
          ]),
        ),
    ).rejects.toThrow(/Migration29990101000004_runs_query must add its SQL with addSql/);
    expect(await db.sql("select 1 from organizations where slug = 'querying'")).toEqual([]);
    expect(await schemas()).not.toContain('org_querying');
    expect(await db.sql("select 1 from pg_tables where tablename = 'outside_the_tenant'")).toEqual(
      [],
    );
  });

  it('leaves no row and no schema when a tenant migration fails half-way', async () => {
    class HalfApplied extends Migration {
      override name = 'Migration29990101000000_half_applied';
      override up(): void {
        this.addSql('create table half_done (id int)');
        this.addSql('select * from table_that_does_not_exist');
      }
    }
    await expect(
      db.orm.em
        .fork()
        .transactional((tx) =>
          provisionOrganization(tx, { name: 'Broken', slug: 'broken-tenant', tier: 'free' }, [
            ...TENANT_MIGRATIONS,
            HalfApplied,
          ]),
        ),
    ).rejects.toThrow(/table_that_does_not_exist/);
    expect(await db.sql("select 1 from organizations where slug = 'broken-tenant'")).toEqual([]);
    expect(await schemas()).not.toContain('org_broken-tenant');
  });

  it('drops the schema, the users and the row when deprovisioning', async () => {
    const org = await newOrg('going-away');
    await db.sql(
      "insert into users (email, hashed_password, organization_id) values ('leaver@example.com', 'x', $1)",
      [org.id],
    );
    await db.orm.em
      .fork()
      .transactional(async (tx) =>
        deprovisionOrganization(tx, await tx.findOneOrFail(Organization, org.id)),
      );
    expect(await schemas()).not.toContain('org_going-away');
    expect(await db.sql('select 1 from organizations where id = $1', [org.id])).toEqual([]);
    expect(await db.sql("select 1 from users where email = 'leaver@example.com'")).toEqual([]);
  });

  it('refuses a fork for something that is not a slug', () => {
    expect(() => tenantEm(db.orm.em, 'x"; drop schema public; --')).toThrow(
      /Not a valid organization slug/,
    );
  });
});
