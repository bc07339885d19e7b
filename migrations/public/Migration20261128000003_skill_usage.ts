import { Migration } from '@mikro-orm/migrations';

/**
 * How many agents of each organization use each catalog skill, kept in the
 * same transaction as the tenant-side links. It answers "who uses this
 * skill" and "would this tier strand a skill" from one indexed query,
 * instead of opening every tenant schema.
 */
export class Migration20261128000003_skill_usage extends Migration {
  override name = 'Migration20261128000003_skill_usage';

  override up(): void {
    this.addSql(`
      create table skill_usage (
        skill_id uuid not null references skills (id) on delete cascade,
        organization_id uuid not null references organizations (id) on delete cascade,
        agents integer not null check (agents > 0),
        primary key (skill_id, organization_id)
      )`);
    this.addSql('create index skill_usage_organization_id_idx on skill_usage (organization_id)');
  }
}
