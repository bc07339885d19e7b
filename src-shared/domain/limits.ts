import {
  nextAgentStatus,
  SERVING_EVENTS,
  allowedAgentEvents,
  type AgentEvent,
  type AgentStatus,
} from './agent-machine.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { counted } from '../plural.ts';
import { canServe } from './billing.ts';
import type { BillingStatus } from './enums.ts';
import { tierAllows, tierLimits, tierName, type Tier } from './tiers.ts';

/*
 * The rules that refuse an action before it is tried, each written once:
 * the services throw their refusal, the screens disable the control that
 * would meet it and say why beside it, with the way forward.
 */

/** The share of its agent limit from which an organization is near it (the overview's warning). */
export const NEAR_AGENT_LIMIT = 0.8;

/** NEAR_AGENT_LIMIT as the screens say it ("80 %"). */
export const NEAR_AGENT_LIMIT_PERCENT = `${Math.round(NEAR_AGENT_LIMIT * 100)} %`;

/**
 * Organizations by how full their agent limit is, as the Fleet overview
 * counts them: `reached` at or over it, `near` at NEAR_AGENT_LIMIT or more
 * (those at it included).
 */
export const AGENT_LIMIT_FILTERS = ['reached', 'near'] as const;
export type AgentLimitFilter = (typeof AGENT_LIMIT_FILTERS)[number];

/** Why an action cannot be done now, and what would make it possible. */
export interface Refusal {
  /** The code the main process answers with when the action is tried anyway. */
  code: Extract<ErrorCode, 'LIMIT_REACHED' | 'FORBIDDEN' | 'INVALID_TRANSITION' | 'MAINTENANCE'>;
  reason: string;
  /** What to do instead, as a short imperative ("Upgrade the tier"). */
  wayForward: string;
}

/** What the limits need to know of an organization. */
export interface LimitedOrganization {
  name: string;
  tier: Tier;
  billingStatus: BillingStatus;
  agentCount: number;
  agentLimit: number;
}

/** Refused when `adding` more agents would pass the organization's agent limit. */
export function agentRoomRefusal(
  organization: Omit<LimitedOrganization, 'billingStatus'>,
  adding = 1,
): Refusal | null {
  const { name, tier, agentCount, agentLimit } = organization;
  if (agentCount + adding <= agentLimit) return null;
  const room = Math.max(0, agentLimit - agentCount);
  const wanted = adding === 1 ? '' : ` (${adding} wanted, room for ${room})`;
  return {
    code: 'LIMIT_REACHED',
    reason: `${name} already has ${agentCount} of ${counted(agentLimit, 'agent')} allowed on the ${tierName(tier)} tier${wanted}`,
    wayForward: 'Upgrade the tier or delete an agent first',
  };
}

/** Refused when a skill needs a higher tier than the organization's. */
export function skillTierRefusal(
  organization: Pick<LimitedOrganization, 'name' | 'tier'>,
  skill: { name: string; tierRequired: Tier },
): Refusal | null {
  if (tierAllows(organization.tier, skill.tierRequired)) return null;
  return {
    code: 'LIMIT_REACHED',
    reason: `${skill.name} needs the ${tierName(skill.tierRequired)} tier; ${organization.name} is on ${tierName(organization.tier)}`,
    wayForward: `Upgrade to ${tierName(skill.tierRequired)}`,
  };
}

/** Refused when the organization has more agents than `tier` allows. */
export function tierChangeRefusal(
  organization: Pick<LimitedOrganization, 'name' | 'agentCount'>,
  tier: Tier,
): Refusal | null {
  const { agentLimit } = tierLimits(tier);
  const { name, agentCount } = organization;
  if (agentCount <= agentLimit) return null;
  return {
    code: 'LIMIT_REACHED',
    reason: `${name} has ${counted(agentCount, 'agent')}; the ${tierName(tier)} tier allows ${agentLimit}`,
    wayForward: `Delete ${counted(agentCount - agentLimit, 'agent')} first`,
  };
}

/** What happens to an agent on `event`: the status it moves to, or why it does not. */
export type TransitionDecision =
  { to: AgentStatus; refusal: null } | { to: null; refusal: Refusal };

/**
 * Refused when the event puts an agent to work in an organization whose
 * billing status does not let it serve, or when the agent machine does not
 * accept it from `status`.
 */
export function decideTransition(
  organization: Pick<LimitedOrganization, 'name' | 'billingStatus'>,
  status: AgentStatus,
  event: AgentEvent,
): TransitionDecision {
  if (SERVING_EVENTS.has(event) && !canServe(organization.billingStatus)) {
    return {
      to: null,
      refusal: {
        code: 'FORBIDDEN',
        reason: `${organization.name} is ${organization.billingStatus}: its agents cannot ${event} until billing is active again`,
        wayForward: 'Make the billing status active',
      },
    };
  }
  const to = nextAgentStatus(status, event);
  if (to) return { to, refusal: null };
  const allowed = allowedAgentEvents(status);
  return {
    to: null,
    refusal: {
      code: 'INVALID_TRANSITION',
      reason: `An agent that is ${status} cannot ${event}; allowed: ${allowed.join(', ') || 'none'}`,
      wayForward: 'Reload to see its current status',
    },
  };
}

/**
 * A tenant in maintenance refuses every change to it (the registry answers
 * MAINTENANCE); an administrator's ends by hand, an operation's by itself.
 */
export function maintenanceRefusal(organization: {
  maintenance: { reason: string; byOperation: boolean } | null;
}): Refusal | null {
  const { maintenance } = organization;
  if (!maintenance) return null;
  return {
    code: 'MAINTENANCE',
    reason: `In maintenance: ${maintenance.reason}`,
    wayForward: maintenance.byOperation
      ? 'Try again once the operation ends'
      : 'End the maintenance first',
  };
}

/** A refusal as the main process throws it: the reason, then the way forward. */
export function refusalError(refusal: Refusal, fields?: Record<string, string>): AppError {
  return new AppError(refusal.code, `${refusal.reason}. ${refusal.wayForward}.`, fields);
}
