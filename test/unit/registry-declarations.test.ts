import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import { agentChannels } from '../../src-main/ipc/registry/agents.ts';
import { PUBLIC_CHANNELS, REGISTRY } from '../../src-main/ipc/registry/index.ts';
import { userChannels } from '../../src-main/ipc/registry/users.ts';
import type { Work } from '../../src-main/services/work.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src-shared/domain/permissions.ts';

/*
 * What each channel's registration must declare besides its access (which
 * test/policy/access-policy.md states): where it runs, what its audit
 * events are about, and which record it is about. Written down by hand
 * from DESIGN.md (one transaction per write, tenant data in its schema,
 * every write audited, database work audited whatever its outcome), not
 * read from the registry; the registry is compared with it.
 *
 * - scope: read / write (public), tenantRead / tenantWrite (org_<slug>),
 *   none (the function opens what it needs: operations, sign-in);
 * - audit: the kind of record its changes are about, `op:<target>` for
 *   database work audited whatever its outcome, - for none;
 * - load: the record found (and locked when writing) before the function;
 * - then what else it declares: bulk rows, the agent's id under agentId,
 *   callable before a password change, a target fact, maintenance.
 */
const NEEDS: Record<ChannelName, string> = {
  'auth.signIn': 'none - -',
  'auth.signOut': 'none - - beforePasswordChange beforeSecondFactor:code',
  'auth.me': 'none - - beforePasswordChange',
  'auth.firstRun': 'read - -',
  'auth.createFirstAdmin': 'write - -',
  'auth.changePassword': 'write user - beforePasswordChange',
  // the password again opens 5 minutes for the guarded channels (identity/step-up.ts)
  'auth.reauthenticate': 'none - -',
  // what an administrator who must set up two-step sign-in may still call
  'auth.enrollSecondFactor': 'write - - beforeSecondFactor:enrollment stepUp',
  'auth.confirmSecondFactor': 'write user - beforeSecondFactor:enrollment',
  // the code that finishes a sign-in: the one call a session waiting for it may make
  'auth.verifySecondFactor': 'none - - beforeSecondFactor:code',
  'auth.disableSecondFactor': 'write user - stepUp',
  // a view as someone else is the session's, started and ended on the record (identity/view-as.ts)
  'auth.viewAs': 'write user user',
  'auth.endViewAs': 'write - - whileViewingAs',
  'sessions.list': 'read - -',
  'sessions.end': 'write user -',
  'sessions.endOthers': 'write user -',
  'organizations.list': 'read - -',
  'organizations.get': 'read - organization',
  'organizations.create': 'write organization -',
  'organizations.update': 'write organization organization',
  'organizations.changeTier': 'write organization organization',
  'organizations.delete': 'write organization organization stepUp',
  // the call that ends an organization's maintenance must be let through it
  'organizations.renameSlug': 'write organization organization maintenance:being renamed',
  'organizations.setMaintenance': 'write organization organization duringMaintenance',
  // one organization's data out to a file, or a whole organization in: database work
  'organizations.export': 'read op:file organization stepUp',
  'organizations.import': 'none op:organization - stepUpWhen',
  'organizations.usage': 'tenantRead - -',
  'users.list': 'read - -',
  'users.get': 'read - user',
  // making an administrator needs step-up
  'users.create': 'write user - stepUpWhen',
  'users.update': 'write user user stepUpWhen',
  'users.confirm': 'write user user',
  'users.confirmMany': 'write user user bulk',
  'users.unlock': 'write user user',
  // someone else's password needs step-up (one's own is refused)
  'users.setPassword': 'write user user stepUpWhen',
  'users.delete': 'write user user',
  'users.endSessions': 'write user user',
  'users.resetSecondFactor': 'write user user',
  'agents.list': 'tenantRead - -',
  'agents.models': 'tenantRead - -',
  'agents.get': 'tenantRead - agent',
  'agents.create': 'tenantWrite agent -',
  'agents.update': 'tenantWrite agent agent',
  'agents.transition': 'tenantWrite agent agent',
  'agents.transitionMany': 'tenantWrite agent agent bulk',
  'agents.history': 'tenantRead - agent',
  'agents.delete': 'tenantWrite agent agent',
  'agents.attachSkill': 'tenantWrite agent agent byAgentId',
  'agents.detachSkill': 'tenantWrite agent agent byAgentId',
  // the order of an agent's skills is no change other consoles are told of
  'agents.reorderSkills': 'tenantWrite - agent byAgentId',
  'agents.effectivePrompt': 'tenantRead - agent',
  'agents.export': 'tenantRead - -',
  'agents.import': 'tenantWrite organization -',
  'skills.list': 'read - -',
  'skills.get': 'read - skill',
  'skills.create': 'write skill -',
  'skills.update': 'write skill skill',
  'skills.delete': 'write skill skill',
  'tenancy.status': 'read - -',
  'tenancy.migrateAll': 'none tenancy -',
  'tenancy.recount': 'none tenancy -',
  'tenancy.rollout': 'read - -',
  // a rollout's waves are fan-outs: each tenant's batch in a transaction of its own
  'tenancy.continueRollout': 'none tenancy -',
  'tenancy.stopRollout': 'none tenancy -',
  // the drift check reads the catalog; a repair is tenant by tenant, audited whatever its outcome
  'tenancy.check': 'none - -',
  'tenancy.repair': 'none op:tenants -',
  'fleet.overview': 'read - -',
  'fleet.searchAgents': 'read - -',
  'audit.list': 'read - -',
  'settings.get': 'none - -',
  // audited by the service (a policy is no record other consoles list); turning it off needs step-up
  'settings.requireSecondFactor': 'write - - stepUpWhen',
  'settings.testDatabase': 'none - -',
  'settings.saveDatabase': 'none op:database - stepUp',
  'settings.saveBackups': 'none op:file -',
  'database.move': 'none op:database - stepUp',
  'database.backup': 'none op:file -',
  'csv.export': 'none - -',
  'demo.load': 'none demo - firstRun',
};

/** The same line, from a registration. */
function declared(channel: ChannelName): string {
  const reg = REGISTRY[channel] as {
    scope: string;
    audit?: string | { operation: string };
    load?: string;
    loadId?: (input: { agentId: string }) => string;
    bulk?: object;
    beforePasswordChange?: boolean;
    beforeSecondFactor?: string;
    target?: unknown;
    maintenance?: { reason: string };
    duringMaintenance?: boolean;
    stepUp?: unknown;
    whileViewingAs?: boolean;
  };
  const audit =
    reg.audit === undefined
      ? '-'
      : typeof reg.audit === 'string'
        ? reg.audit
        : `op:${reg.audit.operation}`;
  const extras = [
    reg.bulk ? 'bulk' : null,
    reg.loadId?.({ agentId: 'the-agent' }) === 'the-agent' ? 'byAgentId' : null,
    reg.beforePasswordChange === true ? 'beforePasswordChange' : null,
    reg.beforeSecondFactor ? `beforeSecondFactor:${reg.beforeSecondFactor}` : null,
    reg.target ? 'firstRun' : null,
    reg.maintenance ? `maintenance:${reg.maintenance.reason}` : null,
    reg.duringMaintenance === true ? 'duringMaintenance' : null,
    reg.stepUp === true ? 'stepUp' : reg.stepUp ? 'stepUpWhen' : null,
    reg.whileViewingAs === true ? 'whileViewingAs' : null,
  ].filter((extra) => extra !== null);
  return [reg.scope, audit, reg.load ?? '-', ...extras].join(' ');
}

describe('the registry, against the needs written down for each channel', () => {
  it('declares every channel', () => {
    expect(Object.keys(REGISTRY).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it.each(CHANNEL_NAMES)('declares %s as written', (channel) => {
    expect(declared(channel)).toBe(NEEDS[channel]);
  });

  it('lets exactly sign-in, sign-out, auth.me, the first-run check and the first administrator be called signed out', () => {
    expect([...PUBLIC_CHANNELS].sort()).toEqual(
      ['auth.createFirstAdmin', 'auth.firstRun', 'auth.me', 'auth.signIn', 'auth.signOut'].sort(),
    );
  });
});

describe('what the registry decides from the input', () => {
  const accessOf = (channel: 'users.update' | 'organizations.update', input: object) =>
    (REGISTRY[channel].access as (input: object) => string)(input);

  it('lets anyone rename themself, and only a manager of users change an email or a role', () => {
    expect(accessOf('users.update', { id: 'u', name: 'New name' })).toBe('editProfile');
    expect(accessOf('users.update', { id: 'u', email: 'a@b.test' })).toBe('manageUsers');
    expect(accessOf('users.update', { id: 'u', role: 'user' })).toBe('manageUsers');
  });

  it.each([
    ['suspended', 'endOrganizations'],
    ['canceled', 'endOrganizations'],
    ['active', 'manageOrganizations'],
    ['trial', 'manageOrganizations'],
    [undefined, 'manageOrganizations'],
  ])('makes setting an organization %s an act of %s', (billingStatus, capability) => {
    expect(accessOf('organizations.update', { id: 'o', billingStatus })).toBe(capability);
  });

  it('runs a bulk action on each id given, naming each row by the record', () => {
    const agents = agentChannels['agents.transitionMany'].bulk;
    const users = userChannels['users.confirmMany'].bulk;
    const input = { organizationId: 'o', ids: ['a', 'b'], event: 'pause' as const };
    expect(agents.ids(input)).toEqual(['a', 'b']);
    expect(users.ids({ ids: ['c'] })).toEqual(['c']);
    expect(agents.label({ name: 'Support bot' } as never)).toBe('Support bot');
    expect(users.label({ email: 'ops@x.test' } as never)).toBe('ops@x.test');
  });

  const admin = {
    kind: 'user',
    id: 'me',
    email: 'me@x.test',
    role: 'admin',
    organizationId: 'o',
  } as const;
  const guards = (
    channel: 'users.create' | 'users.update' | 'users.setPassword',
    input: object,
    actor: Actor = admin,
  ) => (REGISTRY[channel].stepUp as (input: object, actor: Actor) => boolean)(input, actor);

  it('asks for the password again to make an administrator, and for no other role or change', () => {
    for (const channel of ['users.create', 'users.update'] as const) {
      expect(guards(channel, { role: 'admin' })).toBe(true);
      expect(guards(channel, { role: 'developer' })).toBe(false);
      expect(guards(channel, { name: 'New name' })).toBe(false);
    }
  });

  it('asks for the password again to set someone else’s password, not one’s own (which is refused)', () => {
    expect(guards('users.setPassword', { id: 'someone' })).toBe(true);
    expect(guards('users.setPassword', { id: 'me' })).toBe(false);
    expect(guards('users.setPassword', { id: 'me' }, SYSTEM_ACTOR)).toBe(true);
  });

  it('puts the organization being renamed in maintenance, and only it', () => {
    const { maintenance } = REGISTRY['organizations.renameSlug'] as {
      maintenance: { organizationIds: (input: object) => readonly string[] };
    };
    expect(maintenance.organizationIds({ id: 'o', slug: 'new-slug' })).toEqual(['o']);
  });

  it('finds an attached or detached skill’s agent under agentId', () => {
    for (const channel of [
      'agents.attachSkill',
      'agents.detachSkill',
      'agents.reorderSkills',
    ] as const)
      expect(agentChannels[channel].loadId({ agentId: 'a', skillId: 's' } as never)).toBe('a');
  });

  const stepUpOf = (channel: 'organizations.import' | 'settings.requireSecondFactor') =>
    REGISTRY[channel].stepUp as (input: object, actor: Actor) => boolean;

  it('asks for the password again when an organization is restored or cloned, not for each part sent', () => {
    expect(stepUpOf('organizations.import')({ step: 'finish' }, admin)).toBe(true);
    expect(stepUpOf('organizations.import')({ step: 'chunk' }, admin)).toBe(false);
  });

  it('asks for the password again to stop requiring two-step sign-in, not to start', () => {
    expect(stepUpOf('settings.requireSecondFactor')({ required: false }, admin)).toBe(true);
    expect(stepUpOf('settings.requireSecondFactor')({ required: true }, admin)).toBe(false);
  });

  it('views as the user named by userId', () => {
    const { loadId } = REGISTRY['auth.viewAs'] as { loadId: (input: object) => string };
    expect(loadId({ userId: 'u', reason: 'r' })).toBe('u');
  });

  it('gives a refused row of a bulk transition no status, and a refused confirmation no earlier one', () => {
    expect(agentChannels['agents.transitionMany'].bulk.whenRefused).toEqual({ status: null });
    expect(userChannels['users.confirmMany'].bulk.whenRefused).toEqual({ alreadyConfirmed: false });
  });
});

describe('the session channels', () => {
  const work = (user: object | null, signOut: () => void) =>
    ({ caller: { user, signOut, viewingAs: null } }) as unknown as Work;

  it('signs the caller out and answers null', async () => {
    let signedOut = 0;
    const run = REGISTRY['auth.signOut'].run as (w: Work) => Promise<unknown>;
    expect(await run(work(null, () => void signedOut++))).toBeNull();
    expect(signedOut).toBe(1);
  });

  it('answers auth.me with the caller’s user, viewing nobody else', async () => {
    const me = { id: 'u', email: 'ops@x.test' };
    const run = REGISTRY['auth.me'].run as (w: Work) => Promise<unknown>;
    expect(await run(work(me, () => undefined))).toEqual({ ...me, viewingAs: null });
  });
});
