import { Migration } from '@mikro-orm/migrations';

/**
 * Two-step sign-in (TOTP, RFC 6238). A user's secret lives in a table of its
 * own, not in `users`: a role granted the users table (a report, a support
 * login) does not read it, and nothing that lists or exports users carries
 * it. `last_used_step` is the newest 30-second step whose code was accepted:
 * a code is taken only by the update that raises it, so a code is good once
 * on every console at once. Recovery codes are stored as SHA-256 (they are
 * random, not chosen: a slow hash would buy nothing) and used by the update
 * that sets `used_at`.
 *
 * Whether a user has a second factor, and whether administrators must, is
 * part of who a session's caller is: announced on `fleet_identity` like a
 * change to the user (public migration 7). A code used (`last_used_step`)
 * is not announced: it changes nobody's standing.
 */
export class Migration20261206010000_second_factors extends Migration {
  override name = 'Migration20261206010000_second_factors';

  override up(): void {
    this.addSql(`
      create table second_factors (
        user_id uuid primary key references users (id) on delete cascade,
        secret text not null,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table recovery_codes (
        user_id uuid not null references users (id) on delete cascade,
        code_hash bytea not null check (length(code_hash) = 32),
        used_at timestamptz,
        primary key (user_id, code_hash)
      )`);
    // at most one row, written when first set (none means nothing is required): a move or a
    // restore copies rows into freshly migrated tables, which must not hold one already
    this.addSql(`
      create table security_policy (
        id boolean primary key default true check (id),
        require_admin_second_factor boolean not null default false
      )`);
    this.addSql('revoke all on second_factors, recovery_codes from public');
    // the Fleet screen counts administrators without a second factor: few rows among many users
    this.addSql("create index users_admins_idx on users (id) where role = 'admin'");

    this.addSql(`create trigger second_factors_identity_changed
      after insert or update of confirmed_at or delete or truncate on second_factors
      for each statement execute function identity_changed()`);
    this.addSql(`create trigger security_policy_identity_changed
      after insert or update or delete or truncate on security_policy
      for each statement execute function identity_changed()`);
  }
}
