import { describe, expect, it } from 'vitest';
import type { ChannelName } from '../../src-shared/channels.ts';
import {
  ACCESS,
  ANONYMOUS_ACTOR,
  CAPABILITIES,
  decide,
  type AccessTable,
  type Actor,
  type Capability,
  type Grant,
} from '../../src-shared/domain/permissions.ts';
import type { Registrations } from '../../src-main/ipc/registry/define.ts';
import { REGISTRY } from '../../src-main/ipc/registry/index.ts';
import {
  declaredAccess,
  matrixCases,
  readAccessPolicy,
  type Answer,
  type Declared,
  type MatrixCase,
} from '../support/access-policy.ts';

/*
 * The matrix must fail when any one grant of the access table, or any one
 * channel's declared access, changes. Running the router once per change
 * would take minutes, so this runs the matrix's check on pure decisions:
 * each case's verdict from decide() on a copy of the table, and each
 * registration's declared access against its entry, compared with
 * test/policy/access-policy.md. The router itself is checked against the
 * same page by policy-matrix.test.ts.
 */

const policy = readAccessPolicy();
const cases = matrixCases(policy);
const GRANTS: readonly Grant[] = ['all', 'own', 'self', 'others', 'none'];
const OWN = 'organization-own';
const OTHER = 'organization-other';

/** What the matrix's world sends, where a registration chooses its access by input or delegates. */
const WORLD_INPUT: Partial<Record<ChannelName, Record<string, unknown>>> = {
  'organizations.update': { name: 'Renamed' },
  'users.update': { name: 'Name' },
};
/** Signed-in channels whose business reads through another channel: the world exports agents. */
const READS_THROUGH: Partial<Record<ChannelName, ChannelName>> = { 'csv.export': 'agents.list' };

/**
 * Aims the access table allows and the business function refuses: one's own
 * second factor is turned off under Account, with a password and a code
 * (identity/second-factor.ts), not reset as an administrator resets another's.
 */
const REFUSED_PAST_ACCESS: ReadonlySet<string> = new Set([
  'users.resetSecondFactor aimed at own account',
]);

const accessOf = (registry: Registrations, channel: ChannelName): Declared =>
  declaredAccess(registry[channel].access, WORLD_INPUT[channel] ?? {});

/**
 * The answer the registry's access check gives one case, or null where
 * access decides nothing (public channels answer by their business rules).
 * Targets are as the world's: the callers' organization or another, and
 * someone else's account but in the own-account cases.
 */
function verdict(
  registry: Registrations,
  table: AccessTable,
  { channel, caller, aim }: Pick<MatrixCase, 'channel' | 'caller' | 'aim'>,
): Answer | null {
  const access = accessOf(registry, channel);
  if (access === 'public' || REFUSED_PAST_ACCESS.has(`${channel} aimed at ${aim}`)) return null;
  if (caller === 'signed out' && access === 'signedIn') return 'UNAUTHENTICATED';
  if (access === 'signedIn') {
    const through = READS_THROUGH[channel];
    return through ? verdict(registry, table, { channel: through, caller, aim }) : null;
  }
  const actor: Actor =
    caller === 'signed out'
      ? ANONYMOUS_ACTOR
      : { kind: 'user', id: 'caller', email: 'caller@x.test', role: caller, organizationId: OWN };
  const aimed = policy.channels.get(channel)?.organization === true;
  const decision = decide(
    actor,
    access,
    {
      ...(aimed ? { organizationId: aim === 'other' ? OTHER : OWN } : {}),
      userId: aim === 'own account' ? 'caller' : 'someone-else',
      firstRun: false,
    },
    table,
  );
  return decision.allowed ? 'allowed' : decision.code;
}

/** The matrix's check on pure decisions: every case and every registration that disagrees with the page. */
function disagreements(registry: Registrations, table: AccessTable): string[] {
  const registered = (Object.keys(registry) as ChannelName[])
    .filter((channel) => {
      const row = policy.channels.get(channel);
      return !row || policy.entries.get(row.entry) !== accessOf(registry, channel);
    })
    .map((channel) => `${channel} is registered with another access than its entry's`);
  const answered = cases
    .filter((c) => {
      const answer = verdict(registry, table, c);
      return answer !== null && answer !== c.expected;
    })
    .map((c) => `${c.channel} as ${c.caller}, aimed at ${c.aim}`);
  return [...registered, ...answered];
}

const withGrant = ({ capability, role, grant }: GrantChange): AccessTable => ({
  ...ACCESS,
  [capability]: { ...ACCESS[capability], [role]: grant },
});

const withAccess = (channel: ChannelName, access: Declared): Registrations =>
  ({ ...REGISTRY, [channel]: { ...REGISTRY[channel], access } }) as Registrations;

const grantChanges: GrantChange[] = CAPABILITIES.flatMap((capability) =>
  (['admin', 'developer', 'user'] as const).flatMap((role) =>
    GRANTS.filter((grant) => grant !== ACCESS[capability][role]).map((grant) => ({
      capability,
      role,
      grant,
    })),
  ),
);

const DECLARABLE: readonly Declared[] = [...CAPABILITIES, 'signedIn', 'public'];
const accessChanges = (Object.keys(REGISTRY) as ChannelName[]).flatMap((channel) =>
  DECLARABLE.filter((access) => access !== accessOf(REGISTRY, channel)).map((access) => ({
    channel,
    access,
  })),
);

/** The channels whose registration checks a capability (for the world's input). */
const usersOf = (capability: Capability): ChannelName[] =>
  (Object.keys(REGISTRY) as ChannelName[]).filter(
    (channel) => accessOf(REGISTRY, channel) === capability,
  );

const allowsWithoutTarget = (grant: Grant) => grant === 'all' || grant === 'own';

/**
 * Why no call could tell a changed grant from the real one, or null when
 * one could (and the matrix must then notice it). These are the
 * equivalent mutants: every channel answers every call as before.
 */
function indistinguishable({ capability, role, grant }: GrantChange): string | null {
  const before = ACCESS[capability][role];
  const channels = usersOf(capability);
  if (channels.length === 0) return 'no channel checks it: the screens alone ask it';
  const aimed = channels.some((channel) => policy.channels.get(channel)?.organization);
  if (!aimed && allowsWithoutTarget(before) === allowsWithoutTarget(grant)) {
    return 'its channels name no organization and no account: all and own allow alike, self, others and none refuse alike';
  }
  const seesOnlyItsOwn = ACCESS.readOrganizations[role] !== 'all';
  if (seesOnlyItsOwn && [before, grant].sort().join() === 'all,own') {
    return 'the role sees no other organization: decide() answers NOT_FOUND and scopeOf() confines its lists under both';
  }
  return null;
}

interface GrantChange {
  capability: Capability;
  role: keyof AccessTable[Capability];
  grant: Grant;
}

describe('the access policy against changed copies of the access table and the registry', () => {
  it('agrees with the table and the registry as they are', () => {
    expect(disagreements(REGISTRY, ACCESS)).toEqual([]);
  });

  it('disagrees with every table that has one grant changed, unless no call could tell', () => {
    const unnoticed = grantChanges
      .filter((change) => disagreements(REGISTRY, withGrant(change)).length === 0)
      .filter((change) => indistinguishable(change) === null)
      .map(
        ({ capability, role, grant }) =>
          `${capability}.${role}: ${ACCESS[capability][role]} -> ${grant}`,
      );
    expect(unnoticed).toEqual([]);
  });

  it("disagrees with every registry that has one channel's access changed", () => {
    const unnoticed = accessChanges
      .filter(
        ({ channel, access }) => disagreements(withAccess(channel, access), ACCESS).length === 0,
      )
      .map(({ channel, access }) => `${channel}: ${access}`);
    expect(unnoticed).toEqual([]);
  });
});
