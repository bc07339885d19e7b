import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to what a session's caller is made of (a user row; an
 * organization's name or billing status, or its removal) is announced on
 * `fleet_identity`, whoever makes it: a console, the CLI, or SQL typed by
 * hand. Each console keeps the signed-in users it has read only while it
 * hears this channel, and forgets them all when it speaks. A new column that
 * decides who may call belongs in the `update of` list below.
 */
export class Migration20261129000007_identity_notify extends Migration {
  override name = 'Migration20261129000007_identity_notify';

  override up(): void {
    this.addSql(`
      create function identity_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('fleet_identity', tg_table_name);
        return null;
      end $$`);
    this.addSql(`create trigger users_identity_changed
      after insert or update or delete or truncate on users
      for each statement execute function identity_changed()`);
    this.addSql(`create trigger organizations_identity_changed
      after update of name, billing_status or delete or truncate on organizations
      for each statement execute function identity_changed()`);
  }
}
