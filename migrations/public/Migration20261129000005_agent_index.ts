import { Migration } from '@mikro-orm/migrations';

/**
 * Every agent of every tenant, by name and status, in public: what the fleet
 * overview and the cross-tenant search read, so that no request opens more
 * than one tenant schema. Written in the same transaction as the tenant's
 * own agent rows; `tenancy.recount` rebuilds it from the tenant schemas.
 * No prompt or config is kept here. Filled once from the schemas present.
 */
export class Migration20261129000005_agent_index extends Migration {
  override name = 'Migration20261129000005_agent_index';

  override up(): void {
    // trusted from PostgreSQL 13: the database's owner may create it
    this.addSql('create extension if not exists pg_trgm');
    this.addSql(`
      create table agent_index (
        agent_id uuid primary key,
        organization_id uuid not null references organizations (id) on delete cascade,
        name text not null,
        status text not null,
        status_since timestamptz not null default now()
      )`);
    this.addSql(
      'create index agent_index_organization_status_idx on agent_index (organization_id, status)',
    );
    this.addSql(
      'create index agent_index_status_since_idx on agent_index (status, status_since desc)',
    );
    this.addSql(
      'create index agent_index_name_trgm_idx on agent_index using gin (name gin_trgm_ops)',
    );
    this.addSql(`
      do $$
      declare o record;
      begin
        for o in select id, slug from organizations loop
          if to_regclass(format('%I.agents', 'org_' || o.slug)) is not null then
            execute format(
              'insert into agent_index (agent_id, organization_id, name, status, status_since)
               select id, %L, name, status, updated_at from %I.agents',
              o.id, 'org_' || o.slug);
          end if;
        end loop;
      end $$`);
  }
}
