import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEvent } from '../db/entities/index.ts';

/*
 * The names an audit page shows instead of ids: each target's name as it is
 * now (or, once the record is gone, as the event recorded it), and each
 * event's organization. Read for one page at a time, from public tables
 * only, a query per kind of record whatever the page size.
 */

/** What of an event decides the names it needs. */
type NamedRow = Pick<
  AuditEvent,
  'targetType' | 'targetId' | 'organizationId' | 'actorId' | 'changes'
>;

export interface AuditNames {
  organizationName: (id: string | null) => string | null;
  target: (row: NamedRow) => { label: string | null; exists: boolean };
  actorExists: (id: string | null) => boolean;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What each kind of record is called, from the public table that holds it (agents by their index). */
const NAME_QUERIES: Record<string, string> = {
  organization:
    'select id::text as id, name as label from public.organizations where id = any(?::uuid[])',
  user: 'select id::text as id, email as label from public.users where id = any(?::uuid[])',
  skill: 'select id::text as id, name as label from public.skills where id = any(?::uuid[])',
  agent:
    'select agent_id::text as id, name as label from public.agent_index where agent_id = any(?::uuid[])',
};

/** The name an event recorded for its target: a deletion's "from", a creation's "to". */
function recordedName(changes: NamedRow['changes']): string | null {
  for (const key of ['name', 'email', 'slug']) {
    const change = changes[key] as { from?: unknown; to?: unknown } | undefined;
    if (!change) continue;
    if (typeof change.to === 'string') return change.to;
    if (typeof change.from === 'string') return change.from;
  }
  return null;
}

export async function auditNames(em: EntityManager, rows: NamedRow[]): Promise<AuditNames> {
  const wanted = new Map<string, Set<string>>(Object.keys(NAME_QUERIES).map((k) => [k, new Set()]));
  const want = (kind: string, id: string | null | undefined) => {
    if (id && uuid.test(id)) wanted.get(kind)?.add(id.toLowerCase());
  };
  for (const row of rows) {
    want(row.targetType, row.targetId);
    want('organization', row.organizationId);
    want('user', row.actorId);
  }
  const found = new Map<string, Map<string, string>>();
  for (const [kind, ids] of wanted) {
    const names = new Map<string, string>();
    found.set(kind, names);
    if (ids.size === 0) continue;
    const query = NAME_QUERIES[kind] as string;
    for (const r of await em.execute<{ id: string; label: string }[]>(query, [
      // an array literal: the driver would spread a list into separate parameters
      `{${[...ids].join(',')}}`,
    ])) {
      names.set(r.id, r.label);
    }
  }
  const named = (kind: string, id: string | null | undefined) =>
    id ? found.get(kind)?.get(id.toLowerCase()) : undefined;
  return {
    organizationName: (id) => named('organization', id) ?? null,
    actorExists: (id) => named('user', id) !== undefined,
    target: (row) => {
      const now = named(row.targetType, row.targetId);
      if (now !== undefined) return { label: now, exists: true };
      return { label: found.has(row.targetType) ? recordedName(row.changes) : null, exists: false };
    },
  };
}
