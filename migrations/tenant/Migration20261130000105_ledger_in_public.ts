import { Migration } from '@mikro-orm/migrations';

/**
 * The tenant's ledger moves to public.tenant_migrations (public migration
 * 9), and `mikro_orm_migrations` becomes the view of this tenant's rows
 * there: readable and writable as before (the tenant is filled in, and the
 * check option refuses another tenant's), so MikroORM's migrator still
 * finds its ledger. The tenant is the schema `org_<slug>` this runs in;
 * the view names it as a constant, so it is written by a nested statement.
 */
export class Migration20261130000105_ledger_in_public extends Migration {
  override name = 'Migration20261130000105_ledger_in_public';

  override up(): void {
    this.addSql(`
      do $$
      declare
        slug text := substr(current_schema(), length('org_') + 1);
      begin
        if current_schema() is distinct from 'org_' || slug then
          raise exception 'a tenant migration runs in a tenant schema, not in %', current_schema();
        end if;
        insert into public.tenant_migrations (tenant_slug, name, executed_at)
          select slug, m.name, m.executed_at from mikro_orm_migrations m order by m.id;
        drop table mikro_orm_migrations;
        execute format(
          'create view mikro_orm_migrations as
             select id, name, executed_at, tenant_slug from public.tenant_migrations
              where tenant_slug = %L
             with cascaded check option', slug);
        execute format(
          'alter view mikro_orm_migrations alter column tenant_slug set default %L', slug);
      end $$`);
  }

  /**
   * The ledger becomes the tenant's own table again, as tenant migrations
   * 1 and 4 made it, holding the tenant's rows from public in their order.
   */
  override down(): void {
    this.addSql(`
      do $$
      declare
        slug text := substr(current_schema(), length('org_') + 1);
      begin
        if current_schema() is distinct from 'org_' || slug then
          raise exception 'a tenant migration runs in a tenant schema, not in %', current_schema();
        end if;
        drop view mikro_orm_migrations;
        create table mikro_orm_migrations (id serial primary key, name varchar(255) not null,
          executed_at timestamptz(6) not null default current_timestamp(6));
        create unique index mikro_orm_migrations_name_unique on mikro_orm_migrations (name);
        insert into mikro_orm_migrations (name, executed_at)
          select m.name, m.executed_at from public.tenant_migrations m
           where m.tenant_slug = slug order by m.id;
        delete from public.tenant_migrations where tenant_slug = slug;
      end $$`);
  }
}
