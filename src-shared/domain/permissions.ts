import type { Role } from './enums.ts';

/*
 * What each role may do, by capability. Services enforce it (with tenant
 * scoping on top); screens use the same table to hide what a role cannot do.
 */
export const CAPABILITIES = [
  'manageOrganizations',
  'manageUsers',
  'manageSkills',
  'writeAgents',
  'readAudit',
  'manageTenancy',
  'manageSettings',
  'seeAllOrganizations',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const GRANTS: Record<Role, readonly Capability[]> = {
  admin: CAPABILITIES,
  developer: ['writeAgents', 'readAudit'],
  user: [],
};

export function roleCan(role: Role, capability: Capability): boolean {
  return GRANTS[role].includes(capability);
}
