import { Agent } from './agent.ts';
import { AgentSkill } from './agent-skill.ts';
import { AgentTransition } from './agent-transition.ts';
import { Organization } from './organization.ts';
import { Skill } from './skill.ts';
import { User } from './user.ts';

export { Agent, AgentSkill, AgentTransition, Organization, Skill, User };

export const ENTITIES = [Organization, User, Skill, Agent, AgentTransition, AgentSkill];
