import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BILLING_STATUSES, DEFAULT_BILLING_STATUS } from '../../../src-shared/domain/enums.ts';
import { TIERS } from '../../../src-shared/domain/tiers.ts';

export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  schema: 'public',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    slug: p.text().unique(),
    tier: p.enum(TIERS).default('free'),
    billingStatus: p.enum(BILLING_STATUSES).default(DEFAULT_BILLING_STATUS),
    monthlyTokenLimit: p.integer().default(100_000),
    agentLimit: p.integer().default(3),
    workflowLimit: p.integer().default(0),
    /** Kept in step with the tenant's agents table in the same transaction, so lists never visit tenant schemas. */
    agentCount: p.integer().default(0),
    /** How many tenant migrations the schema has, written in the migration's own transaction. */
    tenantSchemaVersion: p.integer().default(0),
    /** Why the tenant refuses writes; see db/maintenance.ts for when it counts. */
    maintenanceReason: p.text().nullable(),
    maintenanceSince: p.datetime().nullable(),
    /** The operation holding the maintenance; null for an administrator's. */
    maintenanceTicket: p.integer().nullable(),
    version: p.integer().version().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Organization = InferEntity<typeof Organization>;
