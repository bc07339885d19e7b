import { Migration } from '@mikro-orm/migrations';

/**
 * Why a step was taken, in the operator's words: "Mark failed" asks for it,
 * and an agent in error shows it. Null for the steps taken without one.
 */
export class Migration20261205000106_transition_reason extends Migration {
  override name = 'Migration20261205000106_transition_reason';

  override up(): void {
    this.addSql('alter table agent_transitions add column reason text');
  }

  override down(): void {
    this.addSql('alter table agent_transitions drop column reason');
  }
}
