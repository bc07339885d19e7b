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

const BILLING_STATUS_NAMES: Readonly<Record<BillingStatus, string>> = {
  active: 'Active',
  suspended: 'Suspended',
  trial: 'Trial',
  canceled: 'Canceled',
};

/** A billing status as a label names it ("Trial"); running text keeps the stored word. */
export function billingStatusName(status: BillingStatus): string {
  return BILLING_STATUS_NAMES[status];
}

export const SKILL_CATEGORIES = [
  'research',
  'coding',
  'data_analysis',
  'communication',
  'operations',
] as const;
export type SkillCategory = (typeof SKILL_CATEGORIES)[number];

const SKILL_CATEGORY_NAMES: Readonly<Record<SkillCategory, string>> = {
  research: 'Research',
  coding: 'Coding',
  data_analysis: 'Data analysis',
  communication: 'Communication',
  operations: 'Operations',
};

/** A skill category as it is named on screen ("Data analysis"), never its stored value. */
export function skillCategoryName(category: SkillCategory): string {
  return SKILL_CATEGORY_NAMES[category];
}

export const DEFAULT_ROLE: Role = 'user';
export const DEFAULT_BILLING_STATUS: BillingStatus = 'trial';
