import { Migration } from '@mikro-orm/migrations';

/** Runs with search_path set to one org_<slug> schema: table names stay unqualified. */
export class Migration20261128000101_agents extends Migration {
  override name = 'Migration20261128000101_agents';

  override up(): void {
    this.addSql(`
      create table agents (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        description text,
        version text not null default '1.0.0',
        status text not null default 'draft'
          check (status in ('draft', 'deploying', 'active', 'paused', 'error')),
        config jsonb not null
          default '{"model": "claude-sonnet-4", "max_tokens": 4096, "temperature": 0.7}',
        system_prompt text not null,
        max_concurrent_requests integer not null default 5 check (max_concurrent_requests > 0),
        timeout_seconds integer not null default 30 check (timeout_seconds > 0),
        total_executions integer not null default 0,
        total_tokens_used bigint not null default 0,
        avg_latency_ms integer,
        lock_version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index agents_name_idx on agents (name)');
    this.addSql('create index agents_status_idx on agents (status)');
    this.addSql(`
      create table agent_transitions (
        id uuid primary key default gen_random_uuid(),
        agent_id uuid not null references agents (id) on delete cascade,
        from_status text not null,
        to_status text not null,
        event text not null,
        actor_id uuid,
        actor_label text not null,
        at timestamptz not null default now()
      )`);
    this.addSql(
      'create index agent_transitions_agent_id_at_idx on agent_transitions (agent_id, at)',
    );
  }

  /** Refused while agents are kept: a rollback never deletes an organization's agents. */
  override down(): void {
    this.addSql(`
      do $$ begin
        if exists (select 1 from agents) then
          raise exception 'agents holds rows: rolling back below level 1 would delete them';
        end if;
      end $$`);
    this.addSql('drop table agent_transitions');
    this.addSql('drop table agents');
  }
}
