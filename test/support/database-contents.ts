import pg from 'pg';

/*
 * What a database holds, read with SQL of its own (never through the code
 * under test): the files that copy, restore, import or clone compare a
 * target with its source through these.
 */

/** One query on `url`, on a connection of its own, in UTC. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The ledgers, written anew on a target: what each lists, in its order. */
const LEDGER_ENTRIES: Record<string, string> = {
  'public.mikro_orm_migrations': "string_agg(name, ',' order by id)",
  'public.tenant_migrations':
    "string_agg(tenant_slug || ':' || name, ',' order by tenant_slug, id)",
};

/**
 * Every row of every table outside the catalogs, as text in a fixed order
 * (independent of the fingerprints a copy itself verifies with); the
 * ledgers by the names they hold.
 */
export async function contents(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(
    url,
    // the drift check's marks are each cluster's own transaction ids, not copied
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
      where (schemaname = 'public' or schemaname like 'org\\_%') and tablename <> 'tenant_structure_marks'
      order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const ledger = LEDGER_ENTRIES[name];
    const [row] = await query<{ text: string }>(
      url,
      ledger
        ? `select ${ledger} as text from ${name}`
        : `select coalesce(string_agg(t::text, E'\\n' order by t::text), '') as text from ${name} t`,
    );
    out[name] = row?.text ?? '';
  }
  return out;
}

/** Whether `url` holds any table in public or any tenant schema. */
export async function hasFleetPromptObjects(url: string): Promise<boolean> {
  const [row] = await query<{ n: number }>(
    url,
    `select (select count(*) from pg_tables where schemaname = 'public')
          + (select count(*) from pg_namespace where nspname like 'org\\_%') as n`,
  );
  return Number(row?.n) > 0;
}

/** One organization's rows as text, in a fixed order: its public rows (audit ids left out) and its schema's tables. */
export async function organizationContents(
  url: string,
  slug: string,
): Promise<Record<string, string>> {
  const [org] = await query<{ id: string }>(url, 'select id from organizations where slug = $1', [
    slug,
  ]);
  if (!org) return {};
  const rowsOf = async (name: string, sql: string) => {
    const [row] = await query<{ text: string | null }>(
      url,
      `select string_agg(r::text, E'\\n' order by r::text) as text from (${sql}) r`,
      [org.id],
    );
    return [name, row?.text ?? ''] as const;
  };
  const schema = `"org_${slug}"`;
  return Object.fromEntries([
    await rowsOf('organizations', 'select * from organizations where id = $1'),
    await rowsOf('users', 'select * from users where organization_id = $1'),
    await rowsOf('agent_index', 'select * from agent_index where organization_id = $1'),
    await rowsOf('skill_usage', 'select * from skill_usage where organization_id = $1'),
    await rowsOf(
      'audit_events',
      `select at, actor_id, actor_label, action, target_type, target_id, changes
         from audit_events where organization_id = $1 and action <> 'organizations.import'`,
    ),
    await rowsOf('agents', `select * from ${schema}.agents where $1::uuid is not null`),
    await rowsOf(
      'agent_transitions',
      `select * from ${schema}.agent_transitions where $1::uuid is not null`,
    ),
    await rowsOf('agent_skills', `select * from ${schema}.agent_skills where $1::uuid is not null`),
  ]);
}

/** Connections open to the database at `url` other than the asking one: what a transfer left behind. */
export const connectionsTo = async (url: string) =>
  (
    await query<{ n: number }>(
      url,
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    )
  )[0]?.n;
