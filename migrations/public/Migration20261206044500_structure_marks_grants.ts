import { Migration } from '@mikro-orm/migrations';

/**
 * The drift check skips a schema whose mark it has seen before
 * (src-main/db/structure/marks.ts), so a mark must change with every DDL
 * and with nothing else: only the event trigger's function (its owner's)
 * writes them. A table is created with its schema's default privileges
 * (`alter default privileges ... grant all on tables to support`): such a
 * role could put a mark back after its DDL, or hold back every write with
 * a trigger of its own, and the check would not read the schema again.
 * Whatever was granted on the marks to anyone but the owner is taken back
 * but reading them (transaction ids, nothing secret); privilege by
 * privilege, as PostgreSQL 17 added one (MAINTAIN) older servers cannot name.
 */
export class Migration20261206044500_structure_marks_grants extends Migration {
  override name = 'Migration20261206044500_structure_marks_grants';

  override up(): void {
    this.addSql(`
      do $$
      declare
        g record;
      begin
        for g in
          select distinct a.grantee, a.privilege_type
            from pg_class c cross join lateral aclexplode(c.relacl) a
           where c.oid = 'tenant_structure_marks'::regclass
             and a.grantee <> c.relowner and a.privilege_type <> 'SELECT'
        loop
          execute format('revoke %s on tenant_structure_marks from %s', g.privilege_type,
                         case when g.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
        end loop;
      end $$`);
  }
}
