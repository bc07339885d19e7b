import { Migration } from '@mikro-orm/migrations';

/**
 * Users and skills get the optimistic-lock version organizations and agents
 * have: an edit dialog saves against the version it was opened with, so a
 * second operator's save in between is a conflict, never overwritten.
 */
export class Migration20261205000010_user_skill_versions extends Migration {
  override name = 'Migration20261205000010_user_skill_versions';

  override up(): void {
    this.addSql('alter table users add column version integer not null default 1');
    this.addSql('alter table skills add column version integer not null default 1');
  }
}
