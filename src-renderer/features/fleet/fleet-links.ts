import type { FleetOverview } from '../../../src-shared/contract.ts';
import type { AgentStatus } from '../../../src-shared/domain/agent-machine.ts';
import type { BillingStatus } from '../../../src-shared/domain/enums.ts';
import type { AgentLimitFilter } from '../../../src-shared/domain/limits.ts';
import type { Tier } from '../../../src-shared/domain/tiers.ts';

/*
 * Where each figure of the Fleet overview leads: the list holding exactly
 * what it counts. Agents of the whole fleet are listed on the overview
 * itself (the Agents screen shows one organization at a time); agents of
 * one's own organization on the Agents screen.
 */

export interface FleetLinks {
  agentsByStatus(status: AgentStatus): string;
  organizationsByTier(tier: Tier): string;
  organizationsByBilling(status: BillingStatus): string;
  organizationsByAgentLimit(filter: AgentLimitFilter): string;
}

export function fleetLinks(
  overview: Pick<FleetOverview, 'scope'>,
  ownOrganizationId: string | null,
): FleetLinks {
  const own = overview.scope === 'organization' ? ownOrganizationId : null;
  return {
    agentsByStatus: (status) =>
      own
        ? `/agents?${new URLSearchParams({ org: own, status }).toString()}`
        : `/fleet?${new URLSearchParams({ status }).toString()}`,
    organizationsByTier: (tier) => `/organizations?${new URLSearchParams({ tier }).toString()}`,
    organizationsByBilling: (billingStatus) =>
      `/organizations?${new URLSearchParams({ billingStatus }).toString()}`,
    organizationsByAgentLimit: (agentLimit) =>
      `/organizations?${new URLSearchParams({ agentLimit }).toString()}`,
  };
}
