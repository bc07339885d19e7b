import type { BillingStatus, Role } from './enums.ts';

/*
 * THE access table of DESIGN.md. The main process enforces it for every
 * channel (each registration names its capability) and the screens ask it
 * what to offer. Nothing else decides who may do what. The policy-matrix
 * test checks it against test/policy/access-policy.md, written by hand from
 * DESIGN.md, never from this table.
 */

/** Who performs an operation: a signed-in user, the system (seed, CLI, start-up), or nobody yet. */
export type Actor =
  | { kind: 'system' }
  | { kind: 'anonymous' }
  | { kind: 'user'; id: string; email: string; role: Role; organizationId: string };

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system' });
export const ANONYMOUS_ACTOR: Actor = Object.freeze({ kind: 'anonymous' });

/**
 * How far a role's grant reaches:
 * - all: every organization;
 * - own: the actor's own organization (other tenants' records do not exist for it);
 * - self: the actor's own account only;
 * - others: every organization but the actor's own;
 * - none: refused.
 */
export type Grant = 'all' | 'own' | 'self' | 'others' | 'none';

export const CAPABILITIES = [
  'readOrganizations',
  'manageOrganizations',
  'endOrganizations',
  'transferOrganizations',
  'readUsers',
  'manageUsers',
  'editProfile',
  'readAgents',
  'writeAgents',
  'readSkills',
  'manageSkills',
  'readAudit',
  'manageTenancy',
  'manageSettings',
  'loadDemoData',
  'seeAllOrganizations',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ADMIN_ONLY = { admin: 'all', developer: 'none', user: 'none' } as const;

export type AccessTable = Readonly<Record<Capability, Readonly<Record<Role, Grant>>>>;

export const ACCESS: AccessTable = {
  readOrganizations: { admin: 'all', developer: 'own', user: 'own' },
  manageOrganizations: ADMIN_ONLY,
  /** Delete, suspend or cancel: never the organization one belongs to (it would sign oneself out). */
  endOrganizations: { admin: 'others', developer: 'none', user: 'none' },
  /** Export an organization's data as an archive, import one (restore or clone): every user and agent of it. */
  transferOrganizations: ADMIN_ONLY,
  readUsers: { admin: 'all', developer: 'own', user: 'own' },
  manageUsers: ADMIN_ONLY,
  /** One's own name and password. */
  editProfile: { admin: 'all', developer: 'self', user: 'self' },
  readAgents: { admin: 'all', developer: 'own', user: 'own' },
  writeAgents: { admin: 'all', developer: 'own', user: 'none' },
  readSkills: { admin: 'all', developer: 'all', user: 'all' },
  manageSkills: ADMIN_ONLY,
  readAudit: { admin: 'all', developer: 'own', user: 'none' },
  manageTenancy: ADMIN_ONLY,
  manageSettings: ADMIN_ONLY,
  loadDemoData: ADMIN_ONLY,
  seeAllOrganizations: ADMIN_ONLY,
};

/** What a refusal says, per capability. */
const FORBIDDEN: Record<Capability, string> = {
  readOrganizations: 'You cannot see that organization',
  manageOrganizations: 'Only administrators can do that',
  endOrganizations: 'Only administrators can do that',
  transferOrganizations: 'Only administrators can export or import organizations',
  readUsers: 'You cannot see those users',
  manageUsers: 'Only administrators can do that',
  editProfile: 'You can only edit your own name and password',
  readAgents: 'You cannot see those agents',
  writeAgents: 'Your role can read agents but not change them',
  readSkills: 'You cannot see the skill catalog',
  manageSkills: 'Only administrators can do that',
  readAudit: 'Your role cannot read the audit log',
  manageTenancy: 'Only administrators can do that',
  manageSettings: 'Only administrators can do that',
  loadDemoData: 'Only administrators can load demo data',
  seeAllOrganizations: 'Only administrators can do that',
};

/** What a capability is aimed at, when it is aimed at something. */
export interface Target {
  organizationId?: string | undefined;
  userId?: string | undefined;
  /** How a record the actor may not see is named in its NOT_FOUND ("Agent not found"). */
  what?: string;
  /** No account exists yet. */
  firstRun?: boolean;
}

/** What a caller who is not signed in may do, and under which fact. */
const ANONYMOUS: Partial<Record<Capability, keyof Target>> = {
  // the first-run screen offers the demo data instead of creating an administrator
  loadDemoData: 'firstRun',
};

export type Decision =
  | { allowed: true }
  | { allowed: false; code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND'; message: string };

const ALLOWED: Decision = { allowed: true };

function refused(code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND', message: string): Decision {
  return { allowed: false, code, message };
}

/** Whether the actor can see an organization (null: every one) at all; others' records answer NOT_FOUND. */
function sees(
  actor: Actor & { kind: 'user' },
  organizationId: string | null,
  table: AccessTable,
): boolean {
  return table.readOrganizations[actor.role] === 'all' || actor.organizationId === organizationId;
}

/**
 * The verdict on one action. Anonymous callers are refused as such, and a
 * role without the capability as such; then a target in an organization
 * the actor cannot see is NOT_FOUND (a caller never learns what exists in
 * another tenant); then the reach of the grant. `table` is ACCESS but for
 * tests that check the policy catches a changed grant.
 */
export function decide(
  actor: Actor,
  capability: Capability,
  target: Target = {},
  table: AccessTable = ACCESS,
): Decision {
  const ever = mayEver(actor, capability, target, table);
  if (!ever.allowed || actor.kind !== 'user') return ever;
  if (target.organizationId !== undefined && !sees(actor, target.organizationId, table)) {
    return refused('NOT_FOUND', `${target.what ?? 'Organization'} not found`);
  }
  switch (table[capability][actor.role]) {
    case 'own':
      // a role that sees every organization still acts only in its own under an 'own' grant
      return target.organizationId === undefined || target.organizationId === actor.organizationId
        ? ALLOWED
        : refused('FORBIDDEN', FORBIDDEN[capability]);
    case 'self':
      return target.userId === actor.id ? ALLOWED : refused('FORBIDDEN', FORBIDDEN[capability]);
    case 'others':
      return target.organizationId !== undefined && target.organizationId !== actor.organizationId
        ? ALLOWED
        : refused(
            'FORBIDDEN',
            target.organizationId === undefined
              ? FORBIDDEN[capability]
              : 'You cannot delete, suspend or cancel the organization you belong to',
          );
    default:
      return ALLOWED;
  }
}

/**
 * Whether the actor may use a capability on anything at all: the check that
 * can be made before the record a call is about has been read.
 */
export function mayEver(
  actor: Actor,
  capability: Capability,
  target: Target = {},
  table: AccessTable = ACCESS,
): Decision {
  if (actor.kind === 'system') return ALLOWED;
  if (actor.kind === 'anonymous') {
    const fact = ANONYMOUS[capability];
    return fact && target[fact] === true
      ? ALLOWED
      : refused('UNAUTHENTICATED', 'Sign in to continue');
  }
  return table[capability][actor.role] === 'none'
    ? refused('FORBIDDEN', FORBIDDEN[capability])
    : ALLOWED;
}

export function can(actor: Actor, capability: Capability, target?: Target): boolean {
  return decide(actor, capability, target).allowed;
}

/**
 * The organization a list is confined to for this actor and capability, or
 * null when the actor sees every organization. As in decide(), an
 * organization the actor cannot see does not exist for it, whatever the
 * capability's grant says. `table` as in decide().
 */
export function scopeOf(
  actor: Actor,
  capability: Capability,
  table: AccessTable = ACCESS,
): string | null {
  if (actor.kind !== 'user') return null;
  return table[capability][actor.role] === 'all' && sees(actor, null, table)
    ? null
    : actor.organizationId;
}

/**
 * An administrator may not demote or delete themself while no other
 * confirmed administrator exists: nobody could administer the console.
 */
export function keepsAnAdmin(
  actor: Actor,
  target: { userId: string; role: Role },
  otherConfirmedAdmins: number,
): Decision {
  const self = actor.kind === 'user' && actor.id === target.userId;
  if (!self || target.role !== 'admin' || otherConfirmedAdmins > 0) return ALLOWED;
  return refused(
    'FORBIDDEN',
    'You are the last administrator; make someone else an administrator first',
  );
}

/**
 * users.setPassword is for someone else's password (a one-time one they
 * must change): one's own is changed with the current one, through
 * auth.changePassword, which counts wrong tries like sign-ins.
 */
export function setsSomeoneElsesPassword(actor: Actor, userId: string): Decision {
  if (actor.kind !== 'user' || actor.id !== userId) return ALLOWED;
  return refused(
    'FORBIDDEN',
    'Change your own password with Change password (it asks for the current one)',
  );
}

/** Billing statuses that end an organization's service: setting one is an `endOrganizations` act. */
export const ENDING_BILLING_STATUSES: ReadonlySet<BillingStatus> = new Set([
  'suspended',
  'canceled',
]);
