import type { AuditEventDto, ParsedInput } from '../../src-shared/contract.ts';
import type { Page } from '../../src-shared/dto.ts';
import type { ServiceContext } from './context.ts';
import { requireAuditReader } from './policy.ts';

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  organization_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  changes: AuditEventDto['changes'];
  total: string;
}

export async function listAudit(
  ctx: ServiceContext,
  input: ParsedInput<'audit.list'>,
): Promise<Page<AuditEventDto>> {
  const organizationId = requireAuditReader(ctx.actor, input.organizationId);
  const rows = await ctx.em.fork().execute<AuditRow[]>(
    `select *, count(*) over () as total from public.audit_events
      where (?::uuid is null or organization_id = ?::uuid)
      order by at desc, id desc limit ? offset ?`,
    [organizationId, organizationId, input.pageSize, (input.page - 1) * input.pageSize],
  );
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      organizationId: r.organization_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      changes: r.changes,
    })),
    total: Number(rows[0]?.total ?? 0),
    page: input.page,
    pageSize: input.pageSize,
  };
}
