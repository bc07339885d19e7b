/*
 * What the audit log records, named for people: each action (a channel's
 * key, or an event that is not a channel such as a lockout) and each kind
 * of target. The audit filter accepts exactly these; the screen shows the
 * words.
 */

export const AUDIT_ACTIONS = {
  'auth.signIn': 'Signed in',
  'auth.signInFailed': 'Sign-in failed',
  'auth.lockout': 'Locked out after failed sign-ins',
  'auth.changePassword': 'Changed own password',
  'auth.reauthenticate': 'Entered password again',
  'auth.confirmSecondFactor': 'Set up two-step sign-in',
  'auth.verifySecondFactor': 'Entered sign-in code',
  'auth.disableSecondFactor': 'Turned two-step sign-in off',
  'auth.viewAs': 'Began viewing the console as',
  'auth.endViewAs': 'Stopped viewing the console as',
  'sessions.end': 'Ended own session',
  'sessions.endOthers': 'Ended own other sessions',
  'organizations.create': 'Created organization',
  'organizations.update': 'Edited organization',
  'organizations.changeTier': 'Changed tier',
  'organizations.renameSlug': 'Renamed organization slug',
  'organizations.delete': 'Deleted organization',
  'organizations.setMaintenance': 'Set maintenance',
  'organizations.export': 'Exported organization',
  'organizations.import': 'Imported organization',
  'users.create': 'Created user',
  'users.update': 'Edited user',
  'users.confirm': 'Confirmed user',
  'users.confirmMany': 'Confirmed users together',
  'users.setPassword': 'Set password',
  'users.unlock': 'Unlocked user',
  'users.delete': 'Deleted user',
  'users.endSessions': 'Ended user sessions',
  'users.resetSecondFactor': 'Reset two-step sign-in',
  'agents.create': 'Created agent',
  'agents.update': 'Edited agent',
  'agents.transition': 'Changed agent state',
  'agents.transitionMany': 'Changed agent states together',
  'agents.delete': 'Deleted agent',
  'agents.attachSkill': 'Attached skill',
  'agents.detachSkill': 'Detached skill',
  'agents.reorderSkills': 'Reordered skills',
  'agents.import': 'Imported agents',
  'skills.create': 'Created skill',
  'skills.update': 'Edited skill',
  'skills.delete': 'Deleted skill',
  'tenancy.migrateAll': 'Migrated all tenants',
  'tenancy.recount': 'Recounted the fleet',
  'tenancy.rollback': 'Rolled tenants back',
  'tenancy.continueRollout': 'Continued the rollout',
  'tenancy.stopRollout': 'Stopped the rollout',
  'tenancy.repair': 'Repaired tenant structure',
  'settings.saveDatabase': 'Saved database setting',
  'settings.requireSecondFactor': 'Changed the two-step sign-in requirement',
  'settings.saveBackups': 'Saved daily backups setting',
  'database.move': 'Moved the database',
  'database.backup': 'Backed up the database',
  'database.restore': 'Restored the database',
  'demo.load': 'Loaded demo data',
} as const satisfies Record<string, string>;
export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_KEYS = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

export const AUDIT_TARGETS = {
  organization: 'Organization',
  user: 'User',
  agent: 'Agent',
  skill: 'Skill',
  tenancy: 'Tenancy',
  tenants: "Organizations' structure",
  database: 'Database',
  file: 'File',
  demo: 'Demo data',
  email: 'Email address',
  policy: 'Security policy',
} as const satisfies Record<string, string>;
export type AuditTarget = keyof typeof AUDIT_TARGETS;
export const AUDIT_TARGET_KEYS = Object.keys(AUDIT_TARGETS) as [AuditTarget, ...AuditTarget[]];

const has = <K extends string>(map: Record<K, string>, key: string): key is K =>
  Object.prototype.hasOwnProperty.call(map, key);

/** "Changed tier" for organizations.changeTier; an action recorded by a newer console, as recorded. */
export function auditActionLabel(action: string): string {
  return has(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action] : action;
}

export function auditTargetLabel(targetType: string): string {
  return has(AUDIT_TARGETS, targetType) ? AUDIT_TARGETS[targetType] : targetType;
}
