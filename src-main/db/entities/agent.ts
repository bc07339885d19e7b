import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AGENT_DEFAULTS, type AgentConfig } from '../../../src-shared/domain/agent-config.ts';
import { AGENT_STATUSES, INITIAL_AGENT_STATUS } from '../../../src-shared/domain/agent-machine.ts';

/** Lives in every org_<slug> schema; reach it only through a fork bound to that schema. */
export const Agent = defineEntity({
  name: 'Agent',
  tableName: 'agents',
  schema: '*',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    description: p.text().nullable(),
    /** The spec's release string ("1.0.0"); `version` is the optimistic lock, as on organizations. */
    agentVersion: p.text().fieldName('version').default(AGENT_DEFAULTS.version),
    status: p.enum(AGENT_STATUSES).default(INITIAL_AGENT_STATUS),
    config: p.json<AgentConfig>(),
    systemPrompt: p.text(),
    maxConcurrentRequests: p.integer().default(AGENT_DEFAULTS.maxConcurrentRequests),
    timeoutSeconds: p.integer().default(AGENT_DEFAULTS.timeoutSeconds),
    totalExecutions: p.integer().default(0),
    totalTokensUsed: p.bigint('number').default(0),
    avgLatencyMs: p.integer().nullable(),
    version: p.integer().fieldName('lock_version').version().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Agent = InferEntity<typeof Agent>;
