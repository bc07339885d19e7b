import { Migration } from '@mikro-orm/migrations';

const STATUSES = ['draft', 'deploying', 'active', 'paused', 'error'];

/**
 * Each organization's agents by status, on its own row: the fleet overview
 * then sums 10,000 rows instead of counting 100,000 index entries. Kept by
 * statement triggers on agent_index, so every write that keeps the index
 * exact (in the tenant write's transaction, the organization's row already
 * locked) keeps these exact too, and `tenancy.recount` repairs both.
 */
export class Migration20261129000006_agent_status_counts extends Migration {
  override name = 'Migration20261129000006_agent_status_counts';

  override up(): void {
    for (const s of STATUSES) {
      this.addSql(
        `alter table organizations add column agents_${s} integer not null default 0 check (agents_${s} >= 0)`,
      );
    }
    const perOrganization = (rows: string, sign: string) =>
      `select organization_id, ${STATUSES.map(
        (s) => `${sign}count(*) filter (where status = '${s}') as ${s}`,
      ).join(', ')} from ${rows} group by organization_id`;
    const apply = (delta: string) => `
      update organizations o set ${STATUSES.map((s) => `agents_${s} = o.agents_${s} + d.${s}`).join(', ')}
        from (select organization_id, ${STATUSES.map((s) => `sum(${s}) as ${s}`).join(', ')}
                from (${delta}) u group by organization_id) d
       where o.id = d.organization_id and (${STATUSES.map((s) => `d.${s} <> 0`).join(' or ')})`;
    this.addSql(`
      create function agent_index_count_statuses() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          ${apply(perOrganization('new_rows', ''))};
        elsif tg_op = 'DELETE' then
          ${apply(perOrganization('old_rows', '-'))};
        else
          ${apply(`${perOrganization('new_rows', '')} union all ${perOrganization('old_rows', '-')}`)};
        end if;
        return null;
      end $$`);
    this.addSql(`create trigger agent_index_counts_insert after insert on agent_index
      referencing new table as new_rows for each statement execute function agent_index_count_statuses()`);
    this.addSql(`create trigger agent_index_counts_update after update on agent_index
      referencing old table as old_rows new table as new_rows
      for each statement execute function agent_index_count_statuses()`);
    this.addSql(`create trigger agent_index_counts_delete after delete on agent_index
      referencing old table as old_rows for each statement execute function agent_index_count_statuses()`);
    this.addSql(`
      update organizations o set ${STATUSES.map((s) => `agents_${s} = c.${s}`).join(', ')}
        from (${perOrganization('agent_index', '')}) c where o.id = c.organization_id`);
    // A GIN index's pending list is scanned linearly by every search until
    // vacuum merges it: 100,000 indexed agents made a search 20x slower. Each
    // tenant write adds one short name, cheap to merge at once.
    this.addSql('alter index agent_index_name_trgm_idx set (fastupdate = off)');
    this.addSql("select gin_clean_pending_list('agent_index_name_trgm_idx')");
  }
}
