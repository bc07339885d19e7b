import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdent } from '../identifiers.ts';
import type { EmbeddedLog } from './types.ts';
import { APP_DATABASE, APP_ROLE, SUPERUSER } from './urls.ts';

/*
 * The app's role and database, made (or checked) by the superuser at every
 * start: a role without superuser that owns its database, which no other
 * role on the server may connect to (any role that can connect may send
 * NOTIFY on the console's channels).
 */

export interface AppLogin {
  appPassword: string;
  appDatabase: string;
}

async function asSuperuser<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function ensureRole(admin: pg.Client, password: string): Promise<void> {
  const exists = await admin.query('select 1 from pg_roles where rolname = $1', [APP_ROLE]);
  const verb = exists.rowCount ? 'alter' : 'create';
  await admin.query(
    `${verb} role ${quoteIdent(APP_ROLE)} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${admin.escapeLiteral(password)}`,
  );
}

/**
 * A cluster from before the role existed kept the app's tables in the
 * `postgres` database, owned by the superuser: converted in place, every
 * schema and table of the app handed to the role.
 */
async function convertFromSuperuser(admin: pg.Client): Promise<void> {
  await admin.query(`
    do $$
    declare item record;
    begin
      execute format('alter database %I owner to %I', current_database(), '${APP_ROLE}');
      for item in select nspname from pg_namespace where nspname = 'public' or nspname like 'org\\_%' loop
        execute format('alter schema %I owner to %I', item.nspname, '${APP_ROLE}');
      end loop;
      for item in
        select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where (n.nspname = 'public' or n.nspname like 'org\\_%') and c.relkind in ('r', 'p', 'v', 'm')
      loop
        execute format('alter table %I.%I owner to %I', item.nspname, item.relname, '${APP_ROLE}');
      end loop;
      for item in
        select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where (n.nspname = 'public' or n.nspname like 'org\\_%') and c.relkind = 'S'
           and pg_get_userbyid(c.relowner) <> '${APP_ROLE}'
           and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'i')
      loop
        execute format('alter sequence %I.%I owner to %I', item.nspname, item.relname, '${APP_ROLE}');
      end loop;
    end $$`);
}

/** The app's database on a cluster that has none yet: the converted `postgres` one, or a new one. */
async function ensureDatabase(admin: pg.Client, log: EmbeddedLog): Promise<string> {
  const legacy = await admin.query(
    "select to_regclass('public.organizations') is not null as present",
  );
  if (legacy.rows[0]?.present) {
    log('converting the embedded database to the least-privilege role');
    await convertFromSuperuser(admin);
    return SUPERUSER;
  }
  const made = await admin.query('select 1 from pg_database where datname = $1', [APP_DATABASE]);
  if (!made.rowCount) {
    await admin.query(
      `create database ${quoteIdent(APP_DATABASE)} owner ${quoteIdent(APP_ROLE)} encoding 'UTF8' template template0`,
    );
  }
  return APP_DATABASE;
}

/**
 * The role and its database, with CONNECT taken from PUBLIC at every start
 * (so clusters made before this learn it too); the owner and the superuser
 * keep theirs.
 */
export async function bootstrapAppRole(
  adminUrl: string,
  known: Partial<AppLogin>,
  log: EmbeddedLog,
): Promise<AppLogin> {
  return asSuperuser(adminUrl, async (admin) => {
    const appPassword = known.appPassword ?? randomBytes(18).toString('base64url');
    await ensureRole(admin, appPassword);
    const appDatabase = known.appDatabase ?? (await ensureDatabase(admin, log));
    await admin.query(
      `revoke connect, temporary on database ${quoteIdent(appDatabase)} from public`,
    );
    return { appPassword, appDatabase };
  });
}

/** A cluster taken from the template gets a superuser password of its own before anything else. */
export async function replaceSuperuserPassword(adminUrl: string, password: string): Promise<void> {
  await asSuperuser(adminUrl, (admin) =>
    admin.query(
      `alter role ${quoteIdent(SUPERUSER)} with password ${admin.escapeLiteral(password)}`,
    ),
  );
}
