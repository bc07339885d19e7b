export const ROLES = ['user', 'admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  developer: 'Developer',
  user: 'User',
};

/** A role as it is named on screen and in messages ("Administrator"), never its stored value. */
export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}

export const BILLING_STATUSES = ['active', 'suspended', 'trial', 'canceled'] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

export const SKILL_CATEGORIES = [
  'research',
  'coding',
  'data_analysis',
  'communication',
  'operations',
] as const;
export type SkillCategory = (typeof SKILL_CATEGORIES)[number];

export const DEFAULT_ROLE: Role = 'user';
export const DEFAULT_BILLING_STATUS: BillingStatus = 'trial';
