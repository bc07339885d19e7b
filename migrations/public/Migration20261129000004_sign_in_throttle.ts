import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in throttling as one row per email, taken FOR UPDATE: an attempt is
 * counted before its password is compared, so a burst of concurrent
 * attempts cannot all slip past the limit (two consoles share the row).
 * Accounts whose password someone else set must change it at first sign-in.
 */
export class Migration20261129000004_sign_in_throttle extends Migration {
  override name = 'Migration20261129000004_sign_in_throttle';

  override up(): void {
    this.addSql(`
      create table sign_in_throttle (
        email citext primary key,
        failures integer not null default 0 check (failures >= 0),
        window_started_at timestamptz not null default now(),
        locked_until timestamptz
      )`);
    this.addSql(`
      insert into sign_in_throttle (email, failures, window_started_at, locked_until)
      select coalesce(f.email, l.email), coalesce(f.n, 0), coalesce(f.first, now()), l.locked_until
        from (select email, count(*)::int as n, min(at) as first from sign_in_failures
               where at > now() - interval '15 minutes' group by email) f
        full join sign_in_locks l on l.email = f.email`);
    this.addSql('drop table sign_in_failures');
    this.addSql('drop table sign_in_locks');
    this.addSql('alter table users add column must_change_password boolean not null default false');
  }
}
