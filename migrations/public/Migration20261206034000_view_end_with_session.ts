import { Migration } from '@mikro-orm/migrations';

/**
 * A view as another user (public migration 16) whose session ends before
 * the view is closed by a call (idle, 12 hours, a password, role or email
 * changed, the organization suspended, the account locked) is recorded
 * ended here, in the statement that ends the session: console code and
 * migration 13's triggers end sessions alike, and no later call of the
 * session comes to notice. The row names the administrator as actor and
 * the viewed user as target, as identity/view-as.ts's closeView does (its
 * changes as created() writes them: `to` alone). A view never closed whose
 * session is never ended is recorded when its row is swept
 * (SessionStore.open), a day and a half on.
 *
 * An idle session ends 30 minutes after its last use, which is at or after
 * the view's start: only the 12 hours, or an end for a cause, cut a view of
 * 30 minutes short. Otherwise it was over by its own time.
 */
export class Migration20261206034000_view_end_with_session extends Migration {
  override name = 'Migration20261206034000_view_end_with_session';

  override up(): void {
    this.addSql(`
      create function sessions_end_view() returns trigger language plpgsql as $$
      declare
        why text := 'it ended after 30 minutes';
      begin
        if tg_op = 'UPDATE' and old.viewing_as_until > new.ended_at then
          why := format('the session ended (%s)', new.ended_reason);
        end if;
        insert into audit_events
          (actor_id, actor_label, organization_id, action, target_type, target_id, changes)
        select a.id, a.email, coalesce(v.organization_id, a.organization_id), 'auth.endViewAs',
               'user', old.viewing_as::text,
               jsonb_build_object(
                 'reason', jsonb_build_object('to', old.viewing_as_reason),
                 'ended', jsonb_build_object('to', why))
          from users a left join users v on v.id = old.viewing_as
         where a.id = old.user_id;
        if tg_op = 'DELETE' then
          return old;
        end if;
        new.viewing_as := null;
        new.viewing_as_reason := null;
        new.viewing_as_until := null;
        return new;
      end $$`);
    this.addSql(`create trigger sessions_end_view
      before update of ended_at on sessions
      for each row
      when (old.ended_at is null and new.ended_at is not null and old.viewing_as_until is not null)
      execute function sessions_end_view()`);
    this.addSql(`create trigger sessions_sweep_view
      before delete on sessions
      for each row
      when (old.ended_at is null and old.viewing_as_until is not null)
      execute function sessions_end_view()`);
  }
}
