import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AGENT_EVENTS, AGENT_STATUSES } from '../../../src-shared/domain/agent-machine.ts';

/** One row per lifecycle step of an agent, in the agent's tenant schema. */
export const AgentTransition = defineEntity({
  name: 'AgentTransition',
  tableName: 'agent_transitions',
  schema: '*',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    agentId: p.uuid(),
    fromStatus: p.enum(AGENT_STATUSES),
    toStatus: p.enum(AGENT_STATUSES),
    event: p.enum(AGENT_EVENTS),
    /** Null for the system actor (seed, CLI). */
    actorId: p.uuid().nullable(),
    actorLabel: p.text(),
    /** The operator's words for why (asked when marking an agent failed). */
    reason: p.text().nullable(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export type AgentTransition = InferEntity<typeof AgentTransition>;
