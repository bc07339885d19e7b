import { Migration } from '@mikro-orm/migrations';

/**
 * Every tenant's migration ledger in one table. Each tenant schema keeps
 * `mikro_orm_migrations`, now a view of its own rows here (tenant migration
 * 5), so MikroORM's tooling still reads and writes a tenant's ledger as its
 * own. Writing 10,000 ledgers was half of a fan-out's time, most of it
 * spent opening each one's table, indexes and sequence on the workers'
 * connections; one table is opened once. A ledger row belongs to its
 * organization and goes with it. Its id is `serial`, as MikroORM's is, not
 * an identity column: every insert into one of those looks its sequence up
 * among the table's dependencies, and every tenant's view is one.
 */
export class Migration20261130000009_tenant_migrations extends Migration {
  override name = 'Migration20261130000009_tenant_migrations';

  override up(): void {
    this.addSql(`
      create table tenant_migrations (
        id serial primary key,
        tenant_slug text not null references organizations (slug) on delete cascade,
        name varchar(255) not null,
        executed_at timestamptz(6) not null default current_timestamp(6),
        constraint tenant_migrations_name_unique unique (tenant_slug, name)
      )`);
  }
}
