import { Migration } from '@mikro-orm/migrations';

/**
 * A slug can be renamed (organizations.renameSlug): the ledger rows that
 * name their tenant by slug follow it in the same statement.
 */
export class Migration20261205230000_rename_slug extends Migration {
  override name = 'Migration20261205230000_rename_slug';

  override up(): void {
    this.addSql(`
      do $$
      declare fk text;
      begin
        select c.conname into fk from pg_constraint c
         where c.conrelid = 'tenant_migrations'::regclass and c.contype = 'f';
        execute format('alter table tenant_migrations drop constraint %I', fk);
      end $$`);
    this.addSql(`alter table tenant_migrations add constraint tenant_migrations_tenant_slug_fkey
      foreign key (tenant_slug) references organizations (slug) on delete cascade on update cascade`);
  }
}
