import type { EntityManager } from '@mikro-orm/postgresql';
import type { CatalogAdvice, CatalogHealth } from '../../../src-shared/contract.ts';

/*
 * How the catalog bears the tenants, from pg_class's own bookkeeping in two
 * statements: no relation is opened (pg_relation_size would lock each of
 * them, 120,000 at 10,000 tenants, more than the lock table holds), so a
 * tenant's size and rows are the planner's statistics as of the last
 * VACUUM or ANALYZE. Only pg_catalog's own tables are measured exactly.
 */

const MB = 2 ** 20;
const GB = 2 ** 30;
const LARGEST_TENANTS = 20;

interface Figures {
  tenant_relations: string;
  total_relations: string;
  max_locks: number;
  max_connections: number;
  max_prepared: number;
  catalog: { name: string; bytes: string }[] | null;
}

interface TenantSize {
  organization_id: string;
  slug: string;
  bytes: string;
  rows: string;
  all_bytes: string;
}

const FIGURES = `
  select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname like 'org\\_%') as tenant_relations,
         (select count(*) from pg_class) as total_relations,
         current_setting('max_locks_per_transaction')::int as max_locks,
         current_setting('max_connections')::int as max_connections,
         current_setting('max_prepared_transactions')::int as max_prepared,
         (select json_agg(json_build_object('name', relname, 'bytes', bytes) order by bytes desc)
            from (select c.relname, pg_total_relation_size(c.oid) as bytes from pg_class c
                   where c.relnamespace = 'pg_catalog'::regnamespace and c.relkind = 'r') t) as catalog`;

/** Each tenant schema's pages (its tables, indexes and their TOAST) and rows, the largest first. */
const TENANT_SIZES = `
  with sizes as (
    select c.relnamespace,
           sum(c.relpages::bigint + coalesce(t.relpages, 0) + coalesce(ti.relpages, 0)) as pages,
           sum(greatest(c.reltuples, 0)) filter (where c.relkind = 'r') as rows
      from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname like 'org\\_%'
      left join pg_class t on t.oid = c.reltoastrelid
      left join pg_index i on i.indrelid = t.oid
      left join pg_class ti on ti.oid = i.indexrelid
     group by c.relnamespace
  )
  select o.id as organization_id, o.slug,
         s.pages * current_setting('block_size')::bigint as bytes,
         round(coalesce(s.rows, 0)) as rows,
         sum(s.pages) over () * current_setting('block_size')::bigint as all_bytes
    from sizes s join pg_namespace n on n.oid = s.relnamespace
    join public.organizations o on 'org_' || o.slug = n.nspname
   order by s.pages desc, o.slug limit ${LARGEST_TENANTS}`;

const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
const size = (bytes: number) =>
  bytes >= GB
    ? `${(bytes / GB).toFixed(1)} GB`
    : `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1)} MB`;

function relationsAdvice(tenant: number, total: number): CatalogAdvice {
  const level = total >= 1_000_000 ? 'over' : total >= 500_000 ? 'near' : 'ok';
  const figures = `${total.toLocaleString('en')} relations, ${tenant.toLocaleString('en')} of them in tenant schemas`;
  return {
    figure: 'relations',
    level,
    message:
      level === 'ok'
        ? `${figures}. Each connection caches the catalog rows it reads: keep connection pools small.`
        : `${figures}: past about a million, catalog scans (information_schema, pg_dump's start) take seconds and every connection's catalog cache grows with them. Keep pools small and put new tenants in a second database (docs/scaling.md).`,
  };
}

function catalogAdvice(bytes: number, largest: { name: string; bytes: number }[]): CatalogAdvice {
  const level = bytes >= 4 * GB ? 'over' : bytes >= GB ? 'near' : 'ok';
  const top = largest.map((table) => `${table.name} ${size(table.bytes)}`).join(', ');
  return {
    figure: 'catalog',
    level,
    message:
      level === 'ok'
        ? `The catalog takes ${size(bytes)} (${top}).`
        : `The catalog takes ${size(bytes)} (${top}): run VACUUM (ANALYZE) on pg_attribute, pg_class and pg_depend; what many ALTERs left behind needs VACUUM FULL of them in a quiet hour (it locks the catalog).`,
  };
}

function locksAdvice(locks: CatalogHealth['locks']): CatalogAdvice {
  const ratio = locks.fleetNeeds / Math.max(1, locks.capacity);
  const level = ratio >= 1 ? 'over' : ratio >= 0.5 ? 'near' : 'ok';
  const slots = locks.maxConnections + locks.maxPreparedTransactions;
  const wanted = Math.ceil((locks.fleetNeeds * 1.25) / Math.max(1, slots));
  const figures = `One transaction over every tenant relation takes ${locks.fleetNeeds.toLocaleString('en')} locks; the lock table holds about ${locks.capacity.toLocaleString('en')} (max_locks_per_transaction ${locks.maxLocksPerTransaction} × ${slots} connections)`;
  return {
    figure: 'locks',
    level,
    message:
      level === 'ok'
        ? `${figures}.`
        : `${figures}: such a transaction ${level === 'over' ? 'fails' : 'comes close to failing'} with "out of shared memory". The console never takes one (fleet work goes in batches of 50 tenants, backups share one snapshot across short transactions); for pg_dump without -j or a query over every tenant, set max_locks_per_transaction to ${wanted} or more (a restart).`,
  };
}

function tenantAdvice(largest: CatalogHealth['largestTenants'], tenants: number): CatalogAdvice {
  const [first] = largest;
  if (!first) return { figure: 'tenant', level: 'ok', message: 'No tenant holds data yet.' };
  const level =
    first.bytes >= 10 * GB || (tenants >= 10 && first.share >= 0.5)
      ? 'over'
      : first.bytes >= GB || (tenants >= 10 && first.share >= 0.25)
        ? 'near'
        : 'ok';
  const figures = `The largest tenant, ${first.slug}, holds ${size(first.bytes)} (${percent(first.share)} of all tenants' data)`;
  return {
    figure: 'tenant',
    level,
    message:
      level === 'ok'
        ? `${figures}.`
        : `${figures}: VACUUM (ANALYZE) its tables, archive its old agent transitions, and consider a server of its own for it (a tenant export and import).`,
  };
}

export async function catalogHealth(em: EntityManager): Promise<CatalogHealth> {
  const fork = em.fork();
  const [[figures], sizes] = await Promise.all([
    fork.execute<Figures[]>(FIGURES),
    em.fork().execute<TenantSize[]>(TENANT_SIZES),
  ]);
  if (!figures) throw new Error('the catalog figures could not be read');
  const tenant = Number(figures.tenant_relations);
  const total = Number(figures.total_relations);
  const catalog = (figures.catalog ?? []).map((table) => ({
    name: table.name,
    bytes: Number(table.bytes),
  }));
  const catalogBytes = catalog.reduce((sum, table) => sum + table.bytes, 0);
  const locks = {
    fleetNeeds: tenant,
    capacity: figures.max_locks * (figures.max_connections + figures.max_prepared),
    maxLocksPerTransaction: figures.max_locks,
    maxConnections: figures.max_connections,
    maxPreparedTransactions: figures.max_prepared,
  };
  const largestTenants = sizes.map((row) => ({
    organizationId: row.organization_id,
    slug: row.slug,
    bytes: Number(row.bytes),
    rows: Number(row.rows),
    share: Number(row.all_bytes) > 0 ? Number(row.bytes) / Number(row.all_bytes) : 0,
  }));
  const [{ n: tenants } = { n: '0' }] = await fork.execute<{ n: string }[]>(
    'select count(*) as n from public.organizations',
  );
  const largestCatalogTables = catalog.slice(0, 3);
  return {
    relations: { tenant, total, share: total > 0 ? tenant / total : 0 },
    catalogBytes,
    largestCatalogTables,
    locks,
    largestTenants,
    advice: [
      relationsAdvice(tenant, total),
      catalogAdvice(catalogBytes, largestCatalogTables),
      locksAdvice(locks),
      tenantAdvice(largestTenants, Number(tenants)),
    ],
  };
}
