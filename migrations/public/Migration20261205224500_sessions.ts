import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions move from each console's memory into public, shared by every
 * console on the database. A row holds the SHA-256 of its secret, never the
 * secret. A replacement (one's own email, role or password changed) keeps
 * the start of the session it replaces: nothing renews the 12 hours.
 *
 * What ends a user's sessions is decided here, whoever makes the change (a
 * console, the CLI, SQL typed by hand), in the same transaction: a new
 * password, email or role, unconfirming, the user's deletion (the rows go
 * with the user) and the organization suspended or canceled. Every change
 * that may end or alter a session is announced on `fleet_sessions`, once per
 * statement; the consoles keep sessions only while they hear it. Marking a
 * session used (`last_used_at` alone) is not announced: it decides nothing
 * that another console reads.
 */
export class Migration20261205224500_sessions extends Migration {
  override name = 'Migration20261205224500_sessions';

  override up(): void {
    this.addSql(`
      create table sessions (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references users (id) on delete cascade,
        secret_hash bytea not null check (length(secret_hash) = 32),
        kind text not null check (kind in ('electron', 'headless')),
        state text not null default 'signed-in'
          check (state in ('signed-in', 'pending-second-factor')),
        started_at timestamptz not null,
        last_used_at timestamptz not null,
        reauthenticated_at timestamptz,
        viewing_as uuid references users (id) on delete set null,
        ended_at timestamptz,
        ended_reason text,
        constraint sessions_secret_hash_unique unique (secret_hash)
      )`);
    this.addSql('create index sessions_user_id_idx on sessions (user_id) where ended_at is null');
    this.addSql('create index sessions_ended_at_idx on sessions (ended_at)');

    this.addSql(`
      create function sessions_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('fleet_sessions', '');
        return null;
      end $$`);
    this.addSql(`create trigger sessions_changed
      after update of ended_at, state, reauthenticated_at, viewing_as, user_id
        or delete or truncate on sessions
      for each statement execute function sessions_changed()`);

    // a rehash of the same password at sign-in (a cost below today's) says so for its transaction
    this.addSql(`
      create function end_sessions_of_changed_user() returns trigger language plpgsql as $$
      declare
        reason text;
      begin
        if new.hashed_password is distinct from old.hashed_password
           and coalesce(current_setting('fleet.rehash', true), '') <> 'on' then
          reason := 'Your password was changed; sign in again';
        elsif new.email is distinct from old.email then
          reason := 'Your email address was changed; sign in again';
        elsif new.role is distinct from old.role then
          reason := 'Your role was changed; sign in again';
        elsif old.confirmed_at is not null and new.confirmed_at is null then
          reason := 'Your account is no longer confirmed';
        else
          return null;
        end if;
        update sessions set ended_at = now(), ended_reason = reason
         where user_id = new.id and ended_at is null;
        return null;
      end $$`);
    this.addSql(`create trigger users_end_sessions
      after update of hashed_password, email, role, confirmed_at on users
      for each row execute function end_sessions_of_changed_user()`);

    this.addSql(`
      create function end_sessions_of_ended_organization() returns trigger language plpgsql as $$
      begin
        if new.billing_status is distinct from old.billing_status
           and new.billing_status in ('suspended', 'canceled') then
          update sessions s set ended_at = now(),
                 ended_reason = format('%s is %s; sign in again', new.name, new.billing_status)
            from users u
           where u.organization_id = new.id and s.user_id = u.id and s.ended_at is null;
        end if;
        return null;
      end $$`);
    this.addSql(`create trigger organizations_end_sessions
      after update of billing_status on organizations
      for each row execute function end_sessions_of_ended_organization()`);
  }
}
