import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A catalog skill attached to an agent, in the agent's tenant schema; `position` orders them. */
export const AgentSkill = defineEntity({
  name: 'AgentSkill',
  tableName: 'agent_skills',
  schema: '*',
  properties: {
    agentId: p.uuid().primary(),
    skillId: p.uuid().primary(),
    position: p.integer(),
    attachedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AgentSkill = InferEntity<typeof AgentSkill>;
