import { Migration } from '@mikro-orm/migrations';

/**
 * A migration's name at most once in a tenant's ledger. The fan-out
 * applies what a tenant's organization row says is pending without reading
 * the ledger (reading 10,000 ledgers was half of a fan-out's time); should
 * the ledger be ahead of that level (MikroORM's migrator run on the schema
 * by hand), recording a migration again fails here, inside the transaction
 * that applied it once more, and that tenant is migrated by its ledger.
 */
export class Migration20261130000104_ledger_names_unique extends Migration {
  override name = 'Migration20261130000104_ledger_names_unique';

  override up(): void {
    this.addSql(
      'create unique index mikro_orm_migrations_name_unique on mikro_orm_migrations (name)',
    );
  }

  override down(): void {
    this.addSql('drop index mikro_orm_migrations_name_unique');
  }
}
