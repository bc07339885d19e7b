export const TIERS = ['free', 'pro', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export interface TierLimits {
  monthlyTokenLimit: number;
  agentLimit: number;
  workflowLimit: number;
}

/**
 * The figure each limit is stored as when a tier sets no limit: the
 * columns hold numbers, so "unlimited" is the largest the spec gives them.
 */
export const UNLIMITED: Readonly<TierLimits> = {
  monthlyTokenLimit: 999_999_999,
  agentLimit: 999,
  workflowLimit: 999,
};

const LIMITS: Readonly<Record<Tier, Readonly<TierLimits>>> = {
  free: { monthlyTokenLimit: 100_000, agentLimit: 3, workflowLimit: 0 },
  pro: { monthlyTokenLimit: 1_000_000, agentLimit: UNLIMITED.agentLimit, workflowLimit: 10 },
  enterprise: { ...UNLIMITED },
};

/** Whether a stored limit is the figure that stands for no limit at all. */
export function isUnlimited(limit: keyof TierLimits, value: number): boolean {
  return value >= UNLIMITED[limit];
}

/** A limit as people read it: "Unlimited" for the sentinel, else the number ("1,000,000"). */
export function limitInWords(limit: keyof TierLimits, value: number): string {
  return isUnlimited(limit, value) ? 'Unlimited' : value.toLocaleString('en-US');
}

const TIER_NAMES: Readonly<Record<Tier, string>> = {
  free: 'Free',
  pro: 'Pro',
  enterprise: 'Enterprise',
};

/** A tier as it is named on screen and in messages ("Pro"), never its stored value ("pro"). */
export function tierName(tier: Tier): string {
  return TIER_NAMES[tier];
}

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
