import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../db/entities/index.ts';
import { actorId, actorLabel, type Recorded } from './actors.ts';

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

export function hasChanges(changes: Changes): boolean {
  return Object.keys(changes).length > 0;
}

/**
 * How a database operation (move, backup, restore, switch) ended, for its
 * one audit row: `succeeded`, or `failed` with the error's message (which
 * the caller has masked).
 */
export function outcome(error?: string): Changes {
  return created(error === undefined ? { outcome: 'succeeded' } : { outcome: 'failed', error });
}

/**
 * Records an audit event in the caller's transaction, so it exists exactly
 * when the write does. Channels get theirs from the registry; this is for
 * events that are not a channel's write (sign-in, lockout).
 */
export async function recordAudit(
  em: EntityManager,
  actor: Recorded,
  entry: AuditEntry,
): Promise<void> {
  em.create(AuditEvent, {
    actorId: actorId(actor),
    actorLabel: actorLabel(actor),
    organizationId: entry.organizationId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    changes: entry.changes ?? {},
  });
  await em.flush();
}
