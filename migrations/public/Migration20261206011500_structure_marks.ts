import { Migration } from '@mikro-orm/migrations';

/**
 * Objects that belong to a relation: the trigger reports them without a
 * schema, and their address names the relation's schema first.
 */
const PART_OF_A_RELATION =
  "('trigger', 'rule', 'policy', 'table constraint', 'default value', 'table column')";

/** Run as its owner: a superuser's DDL never runs code another role could replace. */
const STRUCTURE_MARK_FUNCTION_SQL = `
  create or replace function public.tenant_structure_mark() returns event_trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
  begin
    if to_regclass('public.tenant_structure_marks') is null then return; end if;
    if tg_event = 'sql_drop' then
      insert into public.tenant_structure_marks (schema, mark)
      select distinct touched, pg_current_xact_id() from (
        select case when schema_name is not null then schema_name
                    when object_type = 'schema' then object_name
                    when object_type in ${PART_OF_A_RELATION} then address_names[1]
                    else '*' end as touched
          from pg_event_trigger_dropped_objects()) dropped
       where touched like 'org\\_%' or touched = '*'
      on conflict (schema) do update set mark = excluded.mark
       where tenant_structure_marks.mark <> excluded.mark;
    else
      insert into public.tenant_structure_marks (schema, mark)
      select distinct touched, pg_current_xact_id() from (
        select case when command_tag in ('GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES') then null
                    when schema_name is not null then schema_name
                    when object_type = 'schema' then (select nspname from pg_namespace where oid = objid)
                    when object_type in ${PART_OF_A_RELATION}
                    then (pg_identify_object_as_address(classid, objid, objsubid)).object_names[1]
                    else '*' end as touched
          from pg_event_trigger_ddl_commands()) done
       where touched like 'org\\_%' or touched = '*'
      on conflict (schema) do update set mark = excluded.mark
       where tenant_structure_marks.mark <> excluded.mark;
    end if;
  end $$`;

/**
 * The drift check's memory (src-main/db/structure/marks.ts): each tenant
 * schema's mark, the last transaction whose DDL touched it, written by an
 * event trigger a superuser installs. Every tenant schema there is gets a
 * mark now, so that a mark missing later (a row deleted by hand) is read as
 * "changed".
 */
export class Migration20261206011500_structure_marks extends Migration {
  override name = 'Migration20261206011500_structure_marks';

  override up(): void {
    this.addSql(
      'create table tenant_structure_marks (schema text primary key, mark xid8 not null)',
    );
    this.addSql(
      `insert into tenant_structure_marks (schema, mark)
       select nspname, pg_current_xact_id() from pg_namespace where nspname like 'org\\_%'`,
    );
    this.addSql(STRUCTURE_MARK_FUNCTION_SQL);
  }
}
