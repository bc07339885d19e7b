import { Migration } from '@mikro-orm/migrations';

/** What the access layer keeps: the audit trail and sign-in failures (lockout survives restarts). */
export class Migration20261128000002_access extends Migration {
  override name = 'Migration20261128000002_access';

  override up(): void {
    this.addSql(`
      create table audit_events (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor_id uuid,
        actor_label text not null,
        organization_id uuid,
        action text not null,
        target_type text not null,
        target_id text,
        changes jsonb not null default '{}'
      )`);
    this.addSql('create index audit_events_at_idx on audit_events (at desc, id desc)');
    this.addSql(
      'create index audit_events_organization_at_idx on audit_events (organization_id, at desc)',
    );
    this.addSql(`
      create table sign_in_failures (
        id bigint generated always as identity primary key,
        email citext not null,
        at timestamptz not null default now()
      )`);
    this.addSql('create index sign_in_failures_email_at_idx on sign_in_failures (email, at desc)');
    this.addSql(`
      create table sign_in_locks (
        email citext primary key,
        locked_until timestamptz not null
      )`);
  }
}
