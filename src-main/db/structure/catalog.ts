import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import { MARKS_STATE_SQL } from './marks.ts';

/*
 * A tenant schema's structure as lines of text, read from pg_catalog for
 * many schemas in one statement: each relation, column (type and
 * nullability), default, index, constraint, trigger and view definition,
 * written so that two schemas made by the same migrations read alike. The
 * schema's own name is taken out of every definition (PostgreSQL writes it
 * in front of the schema's relations, as they are not on the search path),
 * and so is the tenant's slug where the ledger view names it. No relation
 * is opened or locked: pg_get_*def read the catalog alone.
 */

/** One line of a schema's structure: what it is, its name, and its definition. */
export interface StructureItem {
  kind: ItemKind;
  /** The relation's name, or `relation.member` for a column, default, constraint or trigger. */
  name: string;
  detail: string;
}

export const ITEM_KINDS = [
  'table',
  'view',
  'sequence',
  'column',
  'default',
  'index',
  'constraint',
  'trigger',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** A structure keyed by `kind name`, as compared. */
export type Structure = ReadonlyMap<string, StructureItem>;

export const itemKey = (item: Pick<StructureItem, 'kind' | 'name'>) => `${item.kind} ${item.name}`;

export function structureOf(items: readonly StructureItem[]): Structure {
  return new Map(items.map((item) => [itemKey(item), item]));
}

/**
 * The items of the schemas `tenants` selects from pg_namespace (its alias
 * `n`), as rows (schema, kind, name, detail). Views are the only relations
 * whose definitions may hold the slug (the ledger view of tenant migration
 * 5): only there is it replaced, so that a slug like `draft` leaves the
 * defaults of other tables as they are.
 */
function itemsSql(tenants: string): string {
  return `
    with tenant as (
      select n.oid, n.nspname, quote_ident(n.nspname) || '.' as prefix,
             quote_literal(substr(n.nspname, 5)) as slug
        from pg_namespace n where ${tenants}
    ),
    rel as (
      select c.oid, c.relname, c.relkind, c.reloptions, t.nspname, t.prefix, t.slug
        from pg_class c join tenant t on t.oid = c.relnamespace
    ),
    items (schema, kind, name, detail) as (
      select nspname,
             case relkind when 'v' then 'view' when 'S' then 'sequence' else 'table' end,
             relname,
             coalesce(array_to_string(reloptions, ','), '') ||
               case when relkind = 'v'
                 then ' ' || replace(replace(pg_get_viewdef(oid), prefix, ''), slug, '''<tenant>''')
                 else '' end
        from rel where relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      union all
      select r.nspname, 'column', r.relname || '.' || a.attname,
             format_type(a.atttypid, a.atttypmod)
               || case when a.attnotnull then ' not null' else '' end
               || case a.attidentity when 'a' then ' identity always' when 'd' then ' identity by default' else '' end
               || case when a.attgenerated = 's' then ' generated' else '' end
        from rel r join pg_attribute a on a.attrelid = r.oid
       where r.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
      union all
      select r.nspname, 'default', r.relname || '.' || a.attname,
             case when r.relkind = 'v'
               then replace(replace(pg_get_expr(d.adbin, d.adrelid), r.prefix, ''), r.slug, '''<tenant>''')
               else replace(pg_get_expr(d.adbin, d.adrelid), r.prefix, '') end
        from rel r join pg_attrdef d on d.adrelid = r.oid
        join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum and not a.attisdropped
      union all
      select nspname, 'index', relname, replace(pg_get_indexdef(oid), ' ON ' || prefix, ' ON ')
        from rel where relkind in ('i', 'I')
      union all
      select r.nspname, 'constraint', r.relname || '.' || co.conname,
             replace(pg_get_constraintdef(co.oid), r.prefix, '')
        from rel r join pg_constraint co on co.conrelid = r.oid
      union all
      select r.nspname, 'trigger', r.relname || '.' || tg.tgname,
             replace(pg_get_triggerdef(tg.oid), r.prefix, '')
        from rel r join pg_trigger tg on tg.tgrelid = r.oid where not tg.tgisinternal
    )`;
}

const TENANT_SCHEMAS = `n.nspname like 'org\\_%'`;

/**
 * Definitions are deparsed with only pg_catalog on the search path, so that
 * what lives elsewhere is named with its schema (the trigram operator
 * class, public.tenant_migrations), as a repair run with the tenant alone
 * as search path needs it; the tenant's own schema is then taken out.
 */
const DEPARSED_QUALIFIED = 'set local search_path to pg_catalog';

/**
 * The same structure as itemsSql's, as one line per item of raw catalog
 * fields and stored expression trees rather than deparsed definitions:
 * deparsing (format_type, pg_get_expr, pg_get_viewdef, …) every column,
 * default and view of 10,000 schemas took seconds. Taken out is what
 * makes every schema's lines its own: the view's own number in its rule,
 * and the slug the ledger view and its default hold (as the tree prints a
 * text constant: its length, its 4-byte header, its bytes). What remains
 * may differ where the definitions do not: an expression tree keeps the
 * positions of the SQL it came from, which move with the length of the
 * schema's name in the batch that provisioned it, and a column re-added
 * gets another number. Such schemas are few kinds, each compared item by
 * item once (findDrift remembers fingerprints found equivalent); so is
 * every schema on a big-endian server, where the header reads otherwise.
 */
function linesSql(tenants: string): string {
  return `
    with tenant as materialized (
      select n.oid, n.nspname, quote_ident(n.nspname) || '.' as prefix,
             ':constvalue ' || (octet_length(slug) + 4) || ' [ ' ||
               ((octet_length(slug) + 4) * 4 - case when octet_length(slug) >= 28 then 256 else 0 end) ||
               ' 0 0 0 ' || array_to_string(array(select get_byte(convert_to(slug, 'UTF8'), i)
                 from generate_series(0, octet_length(slug) - 1) i), ' ') || ' ]' as slug
        from pg_namespace n, substr(n.nspname, 5) as slug where ${tenants}
    ),
    rel as materialized (
      select c.oid, c.relname, c.relkind, c.reloptions, c.relam, c.relnamespace, t.nspname, t.prefix, t.slug
        from pg_class c join tenant t on t.oid = c.relnamespace
    ),
    lines (schema, line) as (
      select nspname, 'r ' || relname || ' ' || relkind::text || ' ' || relam || ' ' ||
               coalesce(array_to_string(reloptions, ','), '') ||
               case when relkind = 'v'
                 then ' ' || replace(replace(
                   (select ev_action::text from pg_rewrite where ev_class = oid and rulename = '_RETURN'),
                   ':relid ' || oid || ' ', ':relid self '), slug, '<tenant>')
                 else '' end
        from rel where relkind <> 't'
      union all
      select r.nspname, 'c ' || r.relname || '.' || a.attname || ' ' || a.atttypid || ' ' || a.atttypmod ||
               ' ' || a.attnotnull || ' ' || a.attidentity::text || a.attgenerated::text || ' ' || a.attcollation ||
               ' ' || a.attnum
        from rel r join pg_attribute a on a.attrelid = r.oid
       where r.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
      union all
      select r.nspname, 'd ' || r.relname || '.' || d.adnum || ' ' ||
               case when r.relkind = 'v'
                 then replace(d.adbin::text, r.slug, '<tenant>')
                 when d.adbin::text like '%:consttype 2205 %'
                 then replace(pg_get_expr(d.adbin, d.adrelid), r.prefix, '')
                 else d.adbin::text end
        from rel r join pg_attrdef d on d.adrelid = r.oid
      union all
      select r.nspname, 'i ' || ic.relname || ' ' || r.relname || ' ' || i.indisunique || i.indisprimary ||
               i.indisexclusion || i.indimmediate || ' ' || i.indkey::text || ' ' || i.indclass::text || ' ' ||
               i.indoption::text || ' ' || i.indcollation::text || ' ' || coalesce(i.indexprs::text, '') ||
               ' ' || coalesce(i.indpred::text, '')
        from rel r join pg_index i on i.indrelid = r.oid join pg_class ic on ic.oid = i.indexrelid
      union all
      select r.nspname, 'k ' || r.relname || '.' || co.conname || ' ' || co.contype::text || ' ' ||
               coalesce(co.conkey::text, '') || ' ' || coalesce(co.confkey::text, '') || ' ' ||
               coalesce(f.relname || case when f.relnamespace = r.relnamespace then '' else ' ' || f.relnamespace end, '') ||
               ' ' || co.confupdtype::text || co.confdeltype::text || co.confmatchtype::text || co.condeferrable ||
               co.condeferred || co.convalidated || ' ' || coalesce(co.conbin::text, '')
        from rel r join pg_constraint co on co.conrelid = r.oid left join pg_class f on f.oid = co.confrelid
      union all
      select r.nspname, 't ' || r.relname || '.' || tg.tgname || ' ' ||
               replace(pg_get_triggerdef(tg.oid), r.prefix, '')
        from rel r join pg_trigger tg on tg.tgrelid = r.oid where not tg.tgisinternal
    )`;
}

/**
 * A schema's lines folded into one value without sorting them: how many,
 * and their 64-bit hashes xor-ed (order does not matter, so no sort of
 * hundreds of thousands of lines, which took most of the time; no line
 * repeats within a schema, so none cancels another).
 */
const FINGERPRINT = "count(*) || ':' || bit_xor(hashtextextended(line, 0))";

/** An organization and its schema's fingerprint, or a tenant schema without an organization. */
export interface TenantFingerprint {
  organizationId: string | null;
  slug: string | null;
  level: number | null;
  schema: string;
  /** Null when the organization has no schema. */
  fingerprint: string | null;
}

/** Fingerprints read earlier, each with the mark its schema had then (marks.ts). */
interface Remembered {
  state: string;
  bySchema: Map<string, { mark: string; fingerprint: string }>;
}

/** Per database connection (the ORM's configuration), as the expected structures are. */
const remembered = new WeakMap<object, Remembered>();

/**
 * Every organization with its schema's fingerprint (FINGERPRINT of its
 * linesSql), and every tenant schema no organization has, all read in one
 * snapshot. Two schemas with the same fingerprint have the same structure.
 * Only the schemas whose mark changed since this process last read them
 * are read again (marks.ts), in one GROUP BY over them; every schema when
 * the marks cannot be trusted, and at a process's first check. With
 * `organizationIds`, only those organizations (and no orphans).
 */
export async function tenantFingerprints(
  em: EntityManager,
  organizationIds?: readonly string[],
): Promise<TenantFingerprint[]> {
  const some = organizationIds !== undefined;
  const ids = some ? [`{${organizationIds.join(',')}}`] : [];
  const theirs =
    "n.nspname in (select 'org_' || slug from public.organizations where id = any(?::uuid[]))";
  return em.transactional(
    async (tx) => {
      // JIT compiled the fingerprint statement for seconds before running it for less
      await tx.execute(`set local jit = off; ${DEPARSED_QUALIFIED}`);
      const [{ state } = { state: null }] =
        await tx.execute<{ state: string | null }[]>(MARKS_STATE_SQL);
      // each organization with its schema's mark, and each tenant schema without an organization
      const rows = await tx.execute<
        {
          organizationId: string | null;
          slug: string | null;
          level: number | null;
          schema: string;
          present: boolean;
          mark: string | null;
        }[]
      >(
        `select o.id as "organizationId", o.slug, o.tenant_schema_version as level,
                coalesce(o.schema, s.nspname) as schema, s.nspname is not null as present, s.mark
           from (select id, slug, tenant_schema_version, 'org_' || slug as schema from public.organizations
                  ${some ? 'where id = any(?::uuid[])' : ''}) o
           ${some ? 'left' : 'full'} join (
             select n.nspname, m.mark::text as mark
               from pg_namespace n left join public.tenant_structure_marks m on m.schema = n.nspname
              where ${some ? theirs : TENANT_SCHEMAS}) s on s.nspname = o.schema`,
        [...ids, ...ids],
      );
      const schemas = rows.filter((row) => row.present);
      const known = state === null ? undefined : remembered.get(em.config);
      const memory: Remembered =
        known?.state === state ? known : { state: state ?? '', bySchema: new Map() };
      const fingerprints = new Map<string, string>();
      const stale: string[] = [];
      for (const { schema, mark } of schemas) {
        const kept = memory.bySchema.get(schema);
        if (mark !== null && kept?.mark === mark) fingerprints.set(schema, kept.fingerprint);
        else stale.push(schema);
      }
      if (stale.length > 0) {
        // the catalog of every tenant is scanned by pattern: a list of 10,000 names is not
        const everyTenant = !some && stale.length === schemas.length;
        const read = await tx.execute<{ schema: string; fingerprint: string }[]>(
          `${linesSql(everyTenant ? TENANT_SCHEMAS : 'n.nspname in (select unnest(?::text[]))')}
           select schema, ${FINGERPRINT} as fingerprint from lines group by schema`,
          everyTenant ? [] : [namesArray(stale)],
        );
        for (const { schema, fingerprint } of read) fingerprints.set(schema, fingerprint);
      }
      if (state !== null) {
        if (!some) {
          const present = new Set(schemas.map(({ schema }) => schema));
          for (const schema of memory.bySchema.keys())
            if (!present.has(schema)) memory.bySchema.delete(schema);
        }
        for (const { schema, mark } of schemas) {
          const fingerprint = fingerprints.get(schema);
          if (mark !== null && fingerprint !== undefined)
            memory.bySchema.set(schema, { mark, fingerprint });
        }
        remembered.set(em.config, memory);
      } else remembered.delete(em.config);

      const found: TenantFingerprint[] = rows.map(({ organizationId, slug, level, schema }) => ({
        organizationId,
        slug,
        level,
        schema,
        fingerprint: fingerprints.get(schema) ?? null,
      }));
      return found.sort((a, b) => (a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : 0));
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ },
  );
}

const namesArray = (names: readonly string[]) =>
  `{${names.map((name) => `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

/** One schema's fingerprint, as tenantFingerprints computes each. */
export async function fingerprintOf(em: EntityManager, schema: string): Promise<string> {
  const [row] = await em.transactional(async (tx) => {
    await tx.execute(DEPARSED_QUALIFIED);
    return tx.execute<{ fingerprint: string | null }[]>(
      `${linesSql('n.nspname = ?')} select ${FINGERPRINT} as fingerprint from lines`,
      [schema],
    );
  });
  return row?.fingerprint ?? '';
}

/** The items of some schemas, each schema's in one list. */
export async function schemaItems(
  em: EntityManager,
  schemas: readonly string[],
): Promise<Map<string, StructureItem[]>> {
  const bySchema = new Map<string, StructureItem[]>(schemas.map((schema) => [schema, []]));
  if (schemas.length === 0) return bySchema;
  const rows = await em.transactional(async (tx) => {
    await tx.execute(DEPARSED_QUALIFIED);
    return tx.execute<(StructureItem & { schema: string })[]>(
      `${itemsSql('n.nspname = any(?::text[])')}
       select schema, kind, name, detail from items order by schema, kind, name`,
      [namesArray(schemas)],
    );
  });
  for (const { schema, ...item } of rows) bySchema.get(schema)?.push(item);
  return bySchema;
}
