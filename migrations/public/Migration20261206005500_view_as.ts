import { Migration } from '@mikro-orm/migrations';

/**
 * View as (issue 29): an administrator's session may show what another user
 * sees, read-only, for a reason and for 30 minutes. `viewing_as` (public
 * migration 13) names the user; the reason and the end are kept beside it.
 * The end is the database's time, so every console ends the view at once;
 * a view is recorded while `viewing_as_until` is set, so that one whose user
 * was deleted meanwhile (`viewing_as` set to null) is still known to have
 * been, and is closed (and audited) by the next call. The statement trigger
 * of migration 13 announces every change that sets or clears `viewing_as`.
 */
export class Migration20261206005500_view_as extends Migration {
  override name = 'Migration20261206005500_view_as';

  override up(): void {
    this.addSql(`
      alter table sessions
        add column viewing_as_reason text,
        add column viewing_as_until timestamptz,
        add constraint sessions_view_whole
          check ((viewing_as_until is null) = (viewing_as_reason is null))`);
  }
}
