import { Migration } from '@mikro-orm/migrations';

/**
 * Rollouts (db:migrate --canary / --waves): a release reaches the tenants
 * behind in steps. One rollout is in progress at most (ended_at null);
 * each tenant it reached or planned has its wave (0 the canary) and its
 * outcome, which a rerun, another console and start-up read.
 */
export class Migration20261205233000_rollouts extends Migration {
  override name = 'Migration20261205233000_rollouts';

  override up(): void {
    this.addSql(`
      create table tenant_rollouts (
        id integer generated always as identity primary key,
        target_level integer not null check (target_level >= 0),
        waves integer check (waves >= 1),
        max_failures integer not null default 0 check (max_failures >= 0),
        stopped_reason text,
        started_at timestamptz not null default now(),
        ended_at timestamptz
      )`);
    this.addSql(
      'create unique index tenant_rollouts_one_in_progress on tenant_rollouts ((true)) where ended_at is null',
    );
    this.addSql(`
      create table tenant_rollout_tenants (
        rollout_id integer not null references tenant_rollouts (id) on delete cascade,
        organization_id uuid not null references organizations (id) on delete cascade,
        wave integer not null check (wave >= 0),
        outcome text not null default 'pending' check (outcome in ('pending', 'migrated', 'failed')),
        message text,
        finished_at timestamptz,
        primary key (rollout_id, organization_id)
      )`);
    this.addSql(
      'create index tenant_rollout_tenants_organization_idx on tenant_rollout_tenants (organization_id)',
    );
  }
}
