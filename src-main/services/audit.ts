import type { EntityManager } from '@mikro-orm/postgresql';
import { actorId, actorLabel, type Actor } from './context.ts';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Fields whose values never enter the audit trail. */
const SECRET_FIELDS = new Set(['password', 'hashedPassword', 'currentPassword', 'newPassword']);

export interface AuditEntry {
  action: string;
  organizationId: string | null;
  targetType: string;
  targetId: string | null;
  changes?: Changes;
}

/** The fields of `after` that differ from `before`; secret fields are recorded only as changed. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const [key, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = before[key];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[key] = SECRET_FIELDS.has(key) ? { from: '[redacted]', to: '[redacted]' } : { from, to };
  }
  return changes;
}

export function created(values: Record<string, unknown>): Changes {
  return diff({}, values);
}

/** Records an audit event in the caller's transaction, so it exists exactly when the write does. */
export async function recordAudit(
  em: EntityManager,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await em.execute(
    `insert into public.audit_events
       (actor_id, actor_label, organization_id, action, target_type, target_id, changes)
     values (?, ?, ?, ?, ?, ?, ?)`,
    [
      actorId(actor),
      actorLabel(actor),
      entry.organizationId,
      entry.action,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.changes ?? {}),
    ],
  );
}
