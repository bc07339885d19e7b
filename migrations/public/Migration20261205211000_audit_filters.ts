import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log filters by actor, by action and by target, newest first:
 * each filter reads its own index in order instead of walking the whole
 * log by time until a page of matches turns up.
 */
export class Migration20261205211000_audit_filters extends Migration {
  override name = 'Migration20261205211000_audit_filters';

  override up(): void {
    this.addSql(
      'create index audit_events_actor_at_idx on audit_events (actor_id, at desc, id desc)',
    );
    this.addSql(
      'create index audit_events_action_at_idx on audit_events (action, at desc, id desc)',
    );
    this.addSql(
      'create index audit_events_target_at_idx on audit_events (target_type, target_id, at desc, id desc)',
    );
  }
}
