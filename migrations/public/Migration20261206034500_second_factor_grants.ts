import { Migration } from '@mikro-orm/migrations';

/**
 * The second factors' secrets and recovery codes are the owner's alone.
 * Public migration 17 revoked PUBLIC's privileges only, but a table is
 * created with the default privileges of its schema as well (`alter default
 * privileges ... grant select on tables to reporting`, usual for a
 * reporting or support role): such a role read every TOTP secret. Whatever
 * was granted on them to anyone but the owner is taken back; a grant made
 * by name afterwards is the server administrator's choice.
 */
export class Migration20261206034500_second_factor_grants extends Migration {
  override name = 'Migration20261206034500_second_factor_grants';

  override up(): void {
    this.addSql(`
      do $$
      declare
        g record;
      begin
        for g in
          select distinct c.relname, a.grantee
            from pg_class c cross join lateral aclexplode(c.relacl) a
           where c.oid in ('second_factors'::regclass, 'recovery_codes'::regclass)
             and a.grantee <> c.relowner
        loop
          if g.grantee = 0 then
            execute format('revoke all on %I from public', g.relname);
          else
            execute format('revoke all on %I from %I', g.relname, pg_get_userbyid(g.grantee));
          end if;
        end loop;
      end $$`);
  }
}
