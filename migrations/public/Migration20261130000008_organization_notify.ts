import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to an organization row, or its removal, is announced on
 * `fleet_organizations`, whoever makes it (a console, the CLI, SQL typed
 * by hand). Each console keeps the organization rows its tenant calls read
 * only while it hears this channel, and forgets them all when it speaks.
 * Once per statement, not per row: a fan-out batch updates fifty rows.
 */
export class Migration20261130000008_organization_notify extends Migration {
  override name = 'Migration20261130000008_organization_notify';

  override up(): void {
    this.addSql(`
      create function organization_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('fleet_organizations', '');
        return null;
      end $$`);
    this.addSql(`create trigger organizations_changed
      after update or delete or truncate on organizations
      for each statement execute function organization_changed()`);
  }
}
