import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { maskUrl } from '../connection-string.ts';

/*
 * What lets the drift check skip the schemas no DDL has touched since it
 * last read them: an event trigger writes, in the transaction of every DDL
 * command, the transaction's id as the mark of each tenant schema the
 * command touched (public.tenant_structure_marks). A schema whose mark is
 * the one it had when its fingerprint was computed has the same catalog
 * rows, so the same fingerprint; every other one is read again.
 *
 * What the marks cannot see makes the check read every schema:
 * - an object the trigger cannot place in one schema marks '*', which
 *   stands for all of them;
 * - the triggers missing, disabled, or not enabled ALWAYS (so a session in
 *   `session_replication_role = replica` fires them too), or they, their
 *   function or the marks table replaced since the fingerprints were read;
 * - machinery younger than a transaction still running (its DDL may have
 *   run before the trigger existed);
 * - a schema without a mark (a row deleted by hand): read again each time.
 * Catalog rows written by hand (`update pg_attribute …`, a superuser's
 * act, no DDL) are the one change it does not see until the process's
 * first check, which reads every schema.
 *
 * The function is public migration Migration20261206011500_structure_marks's.
 * Event triggers can only be made by a superuser: migratePublic installs
 * them when it runs as one, the embedded server's start-up with its
 * superuser. Without them every check reads every schema, as before.
 */

export const STRUCTURE_MARKS_TABLE = 'tenant_structure_marks';

const TRIGGERS = [
  ['fleetprompt_structure_marks_end', 'ddl_command_end'],
  ['fleetprompt_structure_marks_drop', 'sql_drop'],
] as const;

/**
 * Makes the event triggers when the connection's role is a superuser and
 * the function is there (public migrated), and marks the tenant schemas
 * that have no mark yet. Does nothing otherwise. Every start runs it, so
 * it writes no mark that is there already (another console's memory stays
 * good) and finds the missing ones by one anti-join: probing every
 * schema's mark through the insert's conflict check took 35-100 ms at
 * 10,000 tenants (load 8-11 on two cores), the anti-join 5-30 ms.
 */
export const INSTALL_STRUCTURE_MARKS_SQL = `
  do $$
  begin
    if not (select rolsuper from pg_roles where rolname = current_user)
       or to_regprocedure('public.tenant_structure_mark()') is null then
      return;
    end if;
    ${TRIGGERS.map(
      ([name, event]) => `
    if not exists (select 1 from pg_event_trigger where evtname = '${name}') then
      create event trigger ${name} on ${event} execute function public.tenant_structure_mark();
    end if;
    if (select evtenabled from pg_event_trigger where evtname = '${name}') <> 'A' then
      alter event trigger ${name} enable always;
    end if;`,
    ).join('')}
    insert into public.tenant_structure_marks (schema, mark)
    select n.nspname, pg_current_xact_id() from pg_namespace n
     where n.nspname like 'org\\_%'
       and not exists (select 1 from public.tenant_structure_marks m where m.schema = n.nspname)
    on conflict (schema) do nothing;
  end $$`;

/**
 * Installs the triggers connected as `url`, which must name a superuser
 * (only one may make event triggers) and a database public migrations have
 * reached: the embedded server's start-up with its own superuser, and
 * `npm run db:install-triggers` for a server where the console's role is
 * not one. Refused in words otherwise, rather than doing nothing.
 */
export async function installStructureMarks(url: string): Promise<{ database: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const {
      rows: [facts],
    } = await client.query<{ database: string; superuser: boolean; ready: boolean }>(
      `select current_database() as database,
              (select rolsuper from pg_roles where rolname = current_user) as superuser,
              to_regprocedure('public.tenant_structure_mark()') is not null as ready`,
    );
    if (!facts?.superuser)
      throw new Error(
        `${maskUrl(url)} connects as a role that is not a superuser: only a superuser may make event triggers`,
      );
    if (!facts.ready)
      throw new Error(
        `${facts.database} is not a FleetPrompt database migrated by this release: run npm run db:migrate first`,
      );
    await client.query(INSTALL_STRUCTURE_MARKS_SQL);
    return { database: facts.database };
  } finally {
    await client.end();
  }
}

/**
 * Whether both triggers are there, on their function, enabled always: the
 * drift check says so, as without them it reads every schema at every check.
 */
export async function structureTriggersInPlace(em: EntityManager): Promise<boolean> {
  const [row] = await em.fork().execute<{ inPlace: boolean }[]>(
    `select count(*) = ${TRIGGERS.length} as "inPlace" from pg_event_trigger e
      where e.evtname in (${TRIGGERS.map(([name]) => `'${name}'`).join(', ')})
        and e.evtfoid = to_regprocedure('public.tenant_structure_mark()')
        and e.evtenabled = 'A'`,
  );
  return row?.inPlace === true;
}

/**
 * Null when marks cannot be trusted now (see above); otherwise what the
 * fingerprints remembered depend on: the triggers, their function, the
 * marks table and the '*' mark. Read in the check's snapshot.
 */
export const MARKS_STATE_SQL = `
  with machinery as (
    select string_agg(e.evtname || ' ' || e.oid || ' ' || e.xmin || ' ' || e.evtenabled::text, ', '
                      order by e.evtname) as triggers,
           count(*) filter (where e.evtenabled = 'A') as enabled,
           bool_and(age(e.xmin) > age(pg_snapshot_xmin(pg_current_snapshot())::xid)) as settled
      from pg_event_trigger e
     where e.evtname in (${TRIGGERS.map(([name]) => `'${name}'`).join(', ')})
       and e.evtfoid = to_regprocedure('public.tenant_structure_mark()')
       and e.evtevent = case e.evtname ${TRIGGERS.map(([name, event]) => `when '${name}' then '${event}'`).join(' ')} end
  ),
  fn as (
    select p.oid || ' ' || p.xmin as function,
           age(p.xmin) > age(pg_snapshot_xmin(pg_current_snapshot())::xid) as settled
      from pg_proc p where p.oid = to_regprocedure('public.tenant_structure_mark()')
  ),
  marks as (
    select c.oid || ' ' || c.xmin as marks,
           age(c.xmin) > age(pg_snapshot_xmin(pg_current_snapshot())::xid) as settled
      from pg_class c where c.oid = to_regclass('public.tenant_structure_marks')
  )
  select case when machinery.enabled = ${TRIGGERS.length} and machinery.settled
                   and fn.settled and marks.settled
              then concat_ws(' | ', machinery.triggers, fn.function, marks.marks,
                             (select mark::text from public.tenant_structure_marks where schema = '*'))
         end as state
    from machinery, fn, marks`;
