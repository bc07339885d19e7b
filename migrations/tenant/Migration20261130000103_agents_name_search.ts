import { Migration } from '@mikro-orm/migrations';

/**
 * A trigram index on agents.name, for the agents screen's search (name
 * ilike '%…%'): without it the page and its total each test every agent's
 * name, 8 ms a call at 10,000 agents (bench B3). pg_trgm is the database's
 * (public migration 5); its operator class is named with the extension's
 * schema, as a tenant migration runs with the tenant alone as search_path.
 * No pending list (fastupdate off), as on agent_index: a search would read
 * it whole until autovacuum empties it.
 */
export class Migration20261130000103_agents_name_search extends Migration {
  override name = 'Migration20261130000103_agents_name_search';

  override up(): void {
    this.addSql(`
      do $$ begin
        execute format(
          'create index agents_name_trgm_idx on agents using gin (name %I.gin_trgm_ops) with (fastupdate = off)',
          (select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
            where e.extname = 'pg_trgm'));
      end $$`);
  }

  override down(): void {
    this.addSql('drop index agents_name_trgm_idx');
  }
}
