import { Migration } from '@mikro-orm/migrations';

/**
 * Skills attached to an agent, in order. skill_id points at public.skills
 * without a foreign key: one referencing table per tenant would hang
 * thousands of triggers on the catalog table and lock it on every
 * provisioning; the services keep the link and public.skill_usage in step.
 */
export class Migration20261128000102_agent_skills extends Migration {
  override name = 'Migration20261128000102_agent_skills';

  override up(): void {
    this.addSql(`
      create table agent_skills (
        agent_id uuid not null references agents (id) on delete cascade,
        skill_id uuid not null,
        position integer not null check (position >= 0),
        attached_at timestamptz not null default now(),
        primary key (agent_id, skill_id)
      )`);
    this.addSql('create index agent_skills_skill_id_idx on agent_skills (skill_id)');
  }

  /** Refused while skills are attached: a rollback never detaches them. */
  override down(): void {
    this.addSql(`
      do $$ begin
        if exists (select 1 from agent_skills) then
          raise exception 'agent_skills holds rows: rolling back below level 2 would delete them';
        end if;
      end $$`);
    this.addSql('drop table agent_skills');
  }
}
