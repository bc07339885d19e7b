import type { AgentConfig } from './domain/agent-config.ts';
import type { AgentEvent, AgentStatus } from './domain/agent-machine.ts';
import type { BillingStatus, Role, SkillCategory } from './domain/enums.ts';
import type { Tier } from './domain/tiers.ts';

/** What crosses the process boundary: camelCase, ISO dates, never a password hash. */

/** Why a tenant refuses writes now, and since when. */
export interface MaintenanceDto {
  reason: string;
  since: string;
  /** Held by an operation (migration, rename, repair, …): it ends with it, not by hand. */
  byOperation: boolean;
}

export interface OrganizationDto {
  id: string;
  name: string;
  slug: string;
  schema: string;
  tier: Tier;
  billingStatus: BillingStatus;
  monthlyTokenLimit: number;
  agentLimit: number;
  workflowLimit: number;
  agentCount: number;
  /** Set while the tenant refuses writes (an administrator's maintenance or an operation's). */
  maintenance: MaintenanceDto | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface UserDto {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  confirmedAt: string | null;
  /** Until when failed sign-ins lock the user's email out; null when they may sign in. */
  lockedUntil: string | null;
  organizationId: string;
  /** Optimistic lock: an edit sends the version it started from. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Where a session was opened: the desktop app, or a browser on the headless console. */
export type SessionKind = 'electron' | 'headless';

/** One of the signed-in user's own sessions (Account → Sessions). */
export interface SessionDto {
  id: string;
  kind: SessionKind;
  startedAt: string;
  lastUsedAt: string;
  /** The session of the window asking. */
  current: boolean;
  /**
   * The password was given and the second factor's code not yet: someone
   * knows the password, and this session can do nothing until the code.
   */
  pendingSecondFactor: boolean;
}

export interface SkillDto {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  category: SkillCategory | null;
  tierRequired: Tier;
  systemPromptEnhancement: string;
  tools: string[];
  isOfficial: boolean;
  /** Optimistic lock: an edit sends the version it started from. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AgentDto {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  /** The agent's release string, "1.0.0" by default. */
  agentVersion: string;
  status: AgentStatus;
  config: AgentConfig;
  systemPrompt: string;
  maxConcurrentRequests: number;
  timeoutSeconds: number;
  totalExecutions: number;
  totalTokensUsed: number;
  avgLatencyMs: number | null;
  /** Optimistic lock: send it back with every write. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AgentTransitionDto {
  id: string;
  agentId: string;
  from: AgentStatus;
  to: AgentStatus;
  event: AgentEvent;
  actorId: string | null;
  actorLabel: string;
  /** Why, in the operator's words, when they gave one. */
  reason: string | null;
  at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
