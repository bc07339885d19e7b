import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One recorded action: who did what to which record, and what changed. */
export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  schema: 'public',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    at: p.datetime().defaultRaw('now()'),
    actorId: p.uuid().nullable(),
    actorLabel: p.text(),
    organizationId: p.uuid().nullable(),
    action: p.text(),
    targetType: p.text(),
    targetId: p.text().nullable(),
    changes: p.json<Record<string, { from: unknown; to: unknown }>>(),
  },
});
export type AuditEvent = InferEntity<typeof AuditEvent>;
