import type {
  FleetAgentDto,
  FleetOverview,
  ParsedInput,
  RecountResult,
} from '../../src-shared/contract.ts';
import { AGENT_STATUSES, type AgentStatus } from '../../src-shared/domain/agent-machine.ts';
import { BILLING_STATUSES, type BillingStatus } from '../../src-shared/domain/enums.ts';
import { scopeOf } from '../../src-shared/domain/permissions.ts';
import { TIERS, type Tier } from '../../src-shared/domain/tiers.ts';
import type { Page } from '../../src-shared/dto.ts';
import { quotedTenantSchema } from '../db/identifiers.ts';
import { TENANT_MIGRATION_COUNT } from '../db/tenant-migrator.ts';
import { agentLimitSql } from './agent-limits.ts';
import { latestAudit } from './audit-log.ts';
import { containsPattern, offsetOf } from './paging.ts';
import type { Work } from './work.ts';

/*
 * The whole fleet from public alone: organizations, and public.agent_index,
 * which every tenant write keeps exact in its own transaction. No request
 * here opens a tenant schema; only `recount`, an administrator's repair,
 * reads them, one at a time.
 */

const LISTED = 20;

/** Each organization's agents by status (public migration 6, kept by agent_index's triggers). */
type StatusColumn = `agents_${AgentStatus}`;
const STATUS_COLUMNS = AGENT_STATUSES.map((s): StatusColumn => `agents_${s}`);

const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export async function fleetOverview(w: Work): Promise<FleetOverview> {
  const scope = scopeOf(w.actor, 'readOrganizations');
  const em = w.em;
  const inScope = scope === null ? '' : 'where o.id = ?';
  const params = scope === null ? [] : [scope];
  const nearLimitWhere = agentLimitSql('near');
  // four reads side by side, each on a connection of its own; the first is one pass over the
  // organizations: tiers, billing, agents by status, limits, tenancy
  const [groups, nearLimit, errors, latestEvents, secondFactor] = await Promise.all([
    em.execute<
      (Record<'n' | 'near' | 'at' | 'behind', string> &
        Record<StatusColumn, string | null> & {
          tier: Tier;
          billing_status: BillingStatus;
        })[]
    >(
      `select tier, billing_status, count(*) as n,
              ${STATUS_COLUMNS.map((c) => `sum(${c}) as ${c}`).join(', ')},
              count(*) filter (where ${nearLimitWhere}) as near,
              count(*) filter (where ${agentLimitSql('reached')}) as at,
              count(*) filter (where tenant_schema_version < ${TENANT_MIGRATION_COUNT}) as behind
         from public.organizations o ${inScope} group by tier, billing_status`,
      params,
    ),
    em.execute<{ id: string; name: string; agent_count: number; agent_limit: number }[]>(
      `select id, name, agent_count, agent_limit from public.organizations o
        where ${nearLimitWhere} ${scope === null ? '' : 'and o.id = ?'}
        order by agent_count::float / agent_limit desc, name limit ${LISTED}`,
      params,
    ),
    em.execute<
      {
        organization_id: string;
        organization_name: string;
        agent_id: string;
        name: string;
        since: Date;
      }[]
    >(
      `select a.organization_id, o.name as organization_name, a.agent_id, a.name, a.status_since as since
         from public.agent_index a join public.organizations o on o.id = a.organization_id
        where a.status = 'error' ${scope === null ? '' : 'and a.organization_id = ?'}
        order by a.status_since desc limit ${LISTED}`,
      params,
    ),
    latestAudit(w, 10),
    scope === null ? administratorsSecondFactor(w) : null,
  ]);

  const byTier = zeroes(TIERS);
  const byBillingStatus = zeroes(BILLING_STATUSES);
  const byStatus = zeroes(AGENT_STATUSES);
  const counts = { total: 0, near: 0, at: 0, behind: 0 };
  for (const row of groups) {
    const n = Number(row.n);
    byTier[row.tier] += n;
    byBillingStatus[row.billing_status] += n;
    counts.total += n;
    counts.near += Number(row.near);
    counts.at += Number(row.at);
    counts.behind += Number(row.behind);
    for (const status of AGENT_STATUSES) byStatus[status] += Number(row[`agents_${status}`] ?? 0);
  }

  const failures = scope === null ? w.runtime.tenantFailures.all() : [];

  return {
    scope: scope === null ? 'fleet' : 'organization',
    organizations: { total: counts.total, byTier, byBillingStatus },
    agents: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
    nearLimit: nearLimit.map((o) => ({
      organizationId: o.id,
      name: o.name,
      agentCount: o.agent_count,
      agentLimit: o.agent_limit,
    })),
    nearLimitCount: counts.near,
    atLimit: counts.at,
    tenancy: { behind: counts.behind, failed: failures },
    agentsInError: errors.map((e) => ({
      organizationId: e.organization_id,
      organizationName: e.organization_name,
      agentId: e.agent_id,
      name: e.name,
      since: new Date(e.since).toISOString(),
    })),
    latestAudit: latestEvents,
    secondFactor,
  };
}

/** How many administrators sign in with a password alone, and whether that is still allowed. */
async function administratorsSecondFactor(
  w: Work,
): Promise<NonNullable<FleetOverview['secondFactor']>> {
  // administrators are few: public migration 17's partial index finds them without reading users
  const [row] = await w.em.execute<{ without: string; required: boolean | null }[]>(
    `select count(*) filter (where f.confirmed_at is null) as without,
            (select require_admin_second_factor from public.security_policy) as required
       from public.users u left join public.second_factors f on f.user_id = u.id
      where u.role = 'admin'`,
  );
  return { required: row?.required === true, administratorsWithout: Number(row?.without ?? 0) };
}

/**
 * Agents by name (trigram-indexed), by status (indexed by status), or both,
 * across every organization the caller may read: what the overview's
 * search and its "agents by status" chart open.
 */
export async function searchAgents(
  w: Work,
  input: ParsedInput<'fleet.searchAgents'>,
): Promise<Page<FleetAgentDto>> {
  const scope = scopeOf(w.actor, 'readAgents');
  const query = input.query || undefined;
  const conditions: [string, unknown][] = [
    ...(query === undefined
      ? []
      : [['a.name ilike ?', containsPattern(query)] as [string, unknown]]),
    ...(input.status === undefined ? [] : [['a.status = ?', input.status] as [string, unknown]]),
    ...(scope === null ? [] : [['a.organization_id = ?', scope] as [string, unknown]]),
  ];
  const where = conditions.map(([sql]) => sql).join(' and ');
  const params = conditions.map(([, value]) => value);
  // by status alone, the newest in that status first: the status index's own order
  const order = query === undefined ? 'a.status_since desc, a.agent_id' : 'a.name, a.agent_id';
  const [rows, [count]] = await Promise.all([
    w.em.execute<
      {
        agent_id: string;
        name: string;
        status: FleetAgentDto['status'];
        organization_id: string;
        organization_name: string;
        slug: string;
      }[]
    >(
      `select a.agent_id, a.name, a.status, a.organization_id, o.name as organization_name, o.slug
         from public.agent_index a join public.organizations o on o.id = a.organization_id
        where ${where} order by ${order} limit ? offset ?`,
      [...params, input.pageSize, offsetOf(input)],
    ),
    w.em.execute<{ n: string }[]>(
      `select count(*) as n from public.agent_index a where ${where}`,
      params,
    ),
  ]);
  return {
    items: rows.map((r) => ({
      agentId: r.agent_id,
      name: r.name,
      status: r.status,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      organizationSlug: r.slug,
    })),
    total: Number(count?.n ?? 0),
    page: input.page,
    pageSize: input.pageSize,
  };
}

/**
 * Recomputes each organization's public figures (agent count, agent index)
 * from its tenant schema, reports what had drifted and repairs it. One
 * organization at a time, its row locked, so that writes wait rather than race.
 */
export async function recount(w: Work): Promise<RecountResult> {
  const organizations = await w.em.execute<{ id: string; slug: string }[]>(
    'select id, slug from public.organizations order by slug',
  );
  const drifted: RecountResult['drifted'] = [];
  for (const { id, slug } of organizations) {
    const agents = `${quotedTenantSchema(slug)}.agents`;
    const drift = await w.runtime.root.fork().transactional(async (tx) => {
      const [locked] = await tx.execute<({ agent_count: number } & Record<StatusColumn, number>)[]>(
        `select agent_count, ${STATUS_COLUMNS.join(', ')} from public.organizations
          where id = ? for update`,
        [id],
      );
      if (!locked) return null;
      const [diff] = await tx.execute<
        { actual: string; missing: string; extra: string; changed: string }[]
      >(
        `select (select count(*) from ${agents}) as actual,
                (select count(*) from ${agents} t where not exists
                  (select 1 from public.agent_index i where i.agent_id = t.id)) as missing,
                (select count(*) from public.agent_index i where i.organization_id = ? and not exists
                  (select 1 from ${agents} t where t.id = i.agent_id)) as extra,
                (select count(*) from public.agent_index i join ${agents} t on t.id = i.agent_id
                  where i.organization_id = ? and (i.name <> t.name or i.status <> t.status)) as changed`,
        [id, id],
      );
      const statuses = await tx.execute<{ status: AgentStatus; n: string }[]>(
        `select status, count(*) as n from ${agents} group by status`,
      );
      const actual = Number(diff?.actual ?? 0);
      const index = {
        missing: Number(diff?.missing ?? 0),
        extra: Number(diff?.extra ?? 0),
        changed: Number(diff?.changed ?? 0),
      };
      const byStatus = { from: zeroes(AGENT_STATUSES), to: zeroes(AGENT_STATUSES) };
      for (const status of AGENT_STATUSES) byStatus.from[status] = locked[`agents_${status}`];
      for (const row of statuses) byStatus.to[row.status] = Number(row.n);
      const countsAgree = AGENT_STATUSES.every((s) => byStatus.from[s] === byStatus.to[s]);
      if (
        actual === locked.agent_count &&
        countsAgree &&
        !index.missing &&
        !index.extra &&
        !index.changed
      ) {
        return null;
      }
      // counts first made to agree with the index as it stands, so that the
      // index's triggers carry them exactly through its rebuild
      await tx.execute(
        `update public.organizations o set agent_count = ?,
           ${AGENT_STATUSES.map(
             (s) =>
               `agents_${s} = (select count(*) from public.agent_index i
                                where i.organization_id = o.id and i.status = '${s}')`,
           ).join(', ')}
          where id = ?`,
        [actual, id],
      );
      await tx.execute('delete from public.agent_index where organization_id = ?', [id]);
      await tx.execute(
        `insert into public.agent_index (agent_id, organization_id, name, status, status_since)
         select id, ?, name, status, updated_at from ${agents}`,
        [id],
      );
      return {
        organizationId: id,
        slug,
        agentCount: { from: locked.agent_count, to: actual },
        index,
        byStatus,
      };
    });
    if (drift) drifted.push(drift);
  }
  if (drifted.length > 0) {
    w.audit({
      targetId: null,
      organizationId: null,
      changes: { repaired: { from: null, to: drifted.map((d) => d.slug) } },
    });
  }
  return { organizations: organizations.length, drifted };
}
