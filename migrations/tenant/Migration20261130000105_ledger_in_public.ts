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
}
