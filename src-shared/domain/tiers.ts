export const TIERS = ['free', 'pro', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export interface TierLimits {
  monthlyTokenLimit: number;
  agentLimit: number;
  workflowLimit: number;
}

const LIMITS: Readonly<Record<Tier, Readonly<TierLimits>>> = {
  free: { monthlyTokenLimit: 100_000, agentLimit: 3, workflowLimit: 0 },
  pro: { monthlyTokenLimit: 1_000_000, agentLimit: 999, workflowLimit: 10 },
  enterprise: { monthlyTokenLimit: 999_999_999, agentLimit: 999, workflowLimit: 999 },
};

/** Limits are derived from the tier, never typed by hand: this is the only place they live. */
export function tierLimits(tier: Tier): TierLimits {
  return { ...LIMITS[tier] };
}

/** Position of a tier in the upgrade path; used to decide whether a skill is available to a tier. */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

export function tierAllows(orgTier: Tier, required: Tier): boolean {
  return tierRank(orgTier) >= tierRank(required);
}
