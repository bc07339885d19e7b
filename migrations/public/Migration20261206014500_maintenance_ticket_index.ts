import { Migration } from '@mikro-orm/migrations';

/**
 * An operation's maintenance ends by its ticket (db/maintenance.ts): without
 * an index that read every organization, 30 ms at 10,000 of them and most
 * of a rename's time. Only tenants in maintenance have a ticket.
 */
export class Migration20261206014500_maintenance_ticket_index extends Migration {
  override name = 'Migration20261206014500_maintenance_ticket_index';

  override up(): void {
    this.addSql(
      'create index organizations_maintenance_ticket_idx on organizations (maintenance_ticket) where maintenance_ticket is not null',
    );
  }
}
