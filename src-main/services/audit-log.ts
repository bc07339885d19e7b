import type { FilterQuery } from '@mikro-orm/core';
import type { AuditEventDto, ParsedInput } from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import { mayEver, scopeOf } from '../../src-shared/domain/permissions.ts';
import type { Page } from '../../src-shared/dto.ts';
import { AuditEvent } from '../db/entities/index.ts';
import { auditNames, type AuditNames } from './audit-names.ts';
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

export function auditEventDto(e: AuditEventRow, names?: AuditNames): AuditEventDto {
  const target = names?.target(e) ?? { label: null, exists: false };
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
    organizationName: names?.organizationName(e.organizationId ?? null) ?? null,
    targetLabel: target.label,
    targetExists: target.exists,
    actorExists: names?.actorExists(e.actorId ?? null) ?? false,
  };
}

/** The events a filter keeps, within the organizations the caller may read. */
function auditWhere(w: Work, input: ParsedInput<'audit.list'>): FilterQuery<AuditEvent> {
  const { from, to } = input;
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    throw new AppError('VALIDATION', 'The end of the time range must come after its start', {
      to: 'must be after the start',
    });
  }
  const organizationId = scopeOf(w.actor, 'readAudit') ?? input.organizationId;
  return {
    ...(organizationId ? { organizationId } : {}),
    ...(input.actorId ? { actorId: input.actorId } : {}),
    ...(input.action ? { action: input.action } : {}),
    ...(input.targetType ? { targetType: input.targetType } : {}),
    ...(input.targetId ? { targetId: input.targetId } : {}),
    ...(from || to
      ? {
          at: {
            ...(from ? { $gte: new Date(from) } : {}),
            ...(to ? { $lt: new Date(to) } : {}),
          },
        }
      : {}),
  };
}

/**
 * The newest events first: all of them for administrators, their own
 * organization's for developers; narrowed to an actor, an action, a target
 * and a time range when asked. Each names its target and organization.
 */
export async function listAudit(
  w: Work,
  input: ParsedInput<'audit.list'>,
): Promise<Page<AuditEventDto>> {
  const [items, total] = await findRows<AuditEvent, AuditEventRow>(
    w.em,
    AuditEvent,
    auditWhere(w, input),
    { orderBy: { at: 'desc', id: 'desc' }, limit: input.pageSize, offset: offsetOf(input) },
  );
  const names = await auditNames(w.em, items);
  return {
    items: items.map((e) => auditEventDto(e, names)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  };
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
  const names = await auditNames(w.em, rows);
  return rows.map((e) => auditEventDto(e, names));
}
