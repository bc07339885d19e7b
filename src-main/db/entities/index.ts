import { Agent } from './agent.ts';
import { AgentSkill } from './agent-skill.ts';
import { AgentTransition } from './agent-transition.ts';
import { AuditEvent } from './audit-event.ts';
import { Organization } from './organization.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { Skill } from './skill.ts';
import { User } from './user.ts';

export {
  Agent,
  AgentSkill,
  AgentTransition,
  AuditEvent,
  Organization,
  SignInThrottle,
  Skill,
  User,
};

export const ENTITIES = [
  Organization,
  User,
  Skill,
  AuditEvent,
  SignInThrottle,
  Agent,
  AgentTransition,
  AgentSkill,
];

/** The tables every migrated tenant schema holds: those of the entities that live in org_<slug>. */
export const TENANT_TABLES: readonly string[] = ENTITIES.filter((e) => e.meta.schema === '*').map(
  (e) => e.meta.tableName,
);
