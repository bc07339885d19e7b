import type { AuditEventDto, ParsedInput } from '../../src-shared/contract.ts';
import { mayEver, scopeOf } from '../../src-shared/domain/permissions.ts';
import type { Page } from '../../src-shared/dto.ts';
import { AuditEvent } from '../db/entities/index.ts';
import { findRows, offsetOf, readRows } from './paging.ts';
import type { Work } from './work.ts';

/** What an audit event's DTO is made of: an entity, or a row read for a list (findRows). */
export type AuditEventRow = Pick<
  AuditEvent,
  | 'id'
  | 'at'
  | 'actorId'
  | 'actorLabel'
  | 'organizationId'
  | 'action'
  | 'targetType'
  | 'targetId'
  | 'changes'
>;

export function auditEventDto(e: AuditEventRow): AuditEventDto {
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    actorId: e.actorId ?? null,
    actorLabel: e.actorLabel,
    organizationId: e.organizationId ?? null,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    changes: e.changes,
  };
}

/** The newest events first: all of them for administrators, their own organization's for developers. */
export async function listAudit(
  w: Work,
  input: ParsedInput<'audit.list'>,
): Promise<Page<AuditEventDto>> {
  const organizationId = scopeOf(w.actor, 'readAudit') ?? input.organizationId;
  const [items, total] = await findRows<AuditEvent, AuditEventRow>(
    w.em,
    AuditEvent,
    organizationId ? { organizationId } : {},
    { orderBy: { at: 'desc', id: 'desc' }, limit: input.pageSize, offset: offsetOf(input) },
  );
  return { items: items.map(auditEventDto), total, page: input.page, pageSize: input.pageSize };
}

/**
 * The `limit` newest events the caller may read (the fleet overview's
 * list), none for a role without the audit log: no total, which would
 * count every event in scope.
 */
export async function latestAudit(w: Work, limit: number): Promise<AuditEventDto[]> {
  if (!mayEver(w.actor, 'readAudit').allowed) return [];
  const organizationId = scopeOf(w.actor, 'readAudit');
  const rows = await readRows<AuditEvent, AuditEventRow>(
    w.em,
    AuditEvent,
    `select * from public.audit_events ${organizationId === null ? '' : 'where organization_id = ?'}
      order by at desc, id desc limit ?`,
    organizationId === null ? [limit] : [organizationId, limit],
  );
  return rows.map(auditEventDto);
}
