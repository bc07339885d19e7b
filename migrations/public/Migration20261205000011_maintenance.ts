import { Migration } from '@mikro-orm/migrations';

/**
 * A tenant in maintenance refuses writes and says why. An administrator's
 * maintenance (no ticket) lasts until it is turned off; an operation's
 * (migration, rollback, repair, rename, import) names a ticket whose
 * session-level advisory lock its process holds on a connection of its
 * own, and lasts only while that lock is held: a killed process leaves its
 * columns behind but its lock goes with its connection, so no tenant stays
 * in maintenance after a crash. The lock is looked up in this database
 * only: tickets of other databases on the server are other operations.
 * 1179667796 is 'FPMT', the advisory lock class of maintenance tickets.
 */
export class Migration20261205000011_maintenance extends Migration {
  override name = 'Migration20261205000011_maintenance';

  override up(): void {
    this.addSql('alter table organizations add column maintenance_reason text');
    this.addSql('alter table organizations add column maintenance_since timestamptz');
    this.addSql('alter table organizations add column maintenance_ticket integer');
    this.addSql(`alter table organizations add constraint organizations_maintenance_reason_check
      check (maintenance_reason is null or length(maintenance_reason) between 1 and 200)`);
    this.addSql('create sequence maintenance_tickets as integer cycle');
    this.addSql(`
      create function maintenance_held(ticket integer) returns boolean
      language sql stable as $$
        select ticket is null or exists (
          select 1 from pg_catalog.pg_locks l
           where l.locktype = 'advisory' and l.granted
             and l.database = (select d.oid from pg_catalog.pg_database d where d.datname = current_database())
             and l.classid = 1179667796 and l.objid = ticket::oid and l.objsubid = 2)
      $$`);
    this.addSql(`
      create function maintenance_live(reason text, ticket integer) returns boolean
      language sql stable as $$
        select reason is not null and public.maintenance_held(ticket)
      $$`);
  }
}
