export const ROLES = ['user', 'admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

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
