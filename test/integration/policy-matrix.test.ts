import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import { contract } from '../../src-shared/contract.ts';
import { ACCESS, type Capability } from '../../src-shared/domain/permissions.ts';
import type { ErrorCode } from '../../src-shared/errors.ts';
import { REGISTRY } from '../../src-main/ipc/registry/index.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { buildWorld, SCOPES, type Scope, type World } from '../support/world.ts';
import { recordMatrixCase } from '../support/tally.ts';

/*
 * Every channel x role x own/other organization, with the outcome read off
 * the access table (src-shared/domain/permissions.ts) for the capability
 * the channel's registration names, and proof that a refused call wrote
 * nothing. "own" targets live in the caller's organization A, "other" ones
 * in B. The table is interpreted here on its own terms, not through the
 * server's decide(), so a registration naming the wrong capability, or a
 * scope that skips the check, fails.
 */

type Role = 'admin' | 'developer' | 'user' | 'signed out';
type Outcome = 'ok' | ErrorCode;

const ROLES: Role[] = ['admin', 'developer', 'user', 'signed out'];

let h: Harness;
let world: World;

beforeAll(async () => {
  h = await createHarness();
  world = await buildWorld(h, 'matrix');
});
afterAll(() => h.close());

/** What the business rules answer beyond access, whoever asks (the world has accounts). */
const BUSINESS: Partial<Record<ChannelName, (role: Role) => Outcome>> = {
  'auth.createFirstAdmin': () => 'FORBIDDEN',
  'auth.changePassword': (role) => (role === 'signed out' ? 'UNAUTHENTICATED' : 'ok'),
};

/** Channels open to anyone signed in that read through another channel, and that one's capability. */
const DELEGATED: Partial<Record<ChannelName, Capability>> = {
  // the world exports the agents table, read through agents.list
  'csv.export': 'readAgents',
};

/** Whether a channel's input aims at the scope's organization (or a record in it). */
function aimsAtScope(channel: ChannelName, raw: Record<string, unknown>): boolean {
  const registration = REGISTRY[channel];
  return (
    'organizationId' in raw || registration.load === 'user' || registration.load === 'organization'
  );
}

function expected(
  channel: ChannelName,
  role: Role,
  scope: Scope,
  raw: Record<string, unknown>,
): Outcome {
  const business = BUSINESS[channel];
  if (business) return business(role);
  const { access } = REGISTRY[channel];
  if (access === 'public') return 'ok';
  if (role === 'signed out') return 'UNAUTHENTICATED';
  const capability =
    access === 'signedIn'
      ? DELEGATED[channel]
      : typeof access === 'function'
        ? (access as (input: unknown) => Capability)(contract[channel].input.parse(raw))
        : access;
  if (capability === undefined) return 'ok';
  const grant = ACCESS[capability][role];
  if (grant === 'none') return 'FORBIDDEN';
  const aimed = aimsAtScope(channel, raw);
  if (aimed && scope === 'other' && ACCESS.readOrganizations[role] !== 'all') return 'NOT_FOUND';
  switch (grant) {
    case 'all':
    case 'own':
      return 'ok';
    case 'others':
      return aimed && scope === 'other' ? 'ok' : 'FORBIDDEN';
    case 'self': // the world's targets are never the caller
      return 'FORBIDDEN';
  }
}

const cases = CHANNEL_NAMES.flatMap((channel) =>
  ROLES.flatMap((role) => SCOPES.map((scope) => ({ channel, role, scope }))),
);

describe('policy matrix', () => {
  it('covers every channel of the contract for every role and scope', () => {
    expect(new Set(cases.map((c) => c.channel))).toEqual(new Set(CHANNEL_NAMES));
    expect(cases).toHaveLength(CHANNEL_NAMES.length * ROLES.length * SCOPES.length);
  });

  it.each(cases)('$channel as $role on $scope organization', async ({ channel, role, scope }) => {
    const raw = await world.inputs[channel](scope);
    const outcome = expected(channel, role, scope, raw);
    const slot: SessionSlot = role === 'signed out' ? {} : h.slotFor(world.userIds[role]);
    const before = outcome === 'ok' ? null : await fingerprint(h.db);
    const result = await h.call(slot, channel, raw);
    recordMatrixCase();
    expect(result.ok ? 'ok' : result.error.code).toBe(outcome);
    if (before !== null) expect(await fingerprint(h.db)).toBe(before);
  });

  it('never lists another organization to a tenant user', async () => {
    for (const role of ['developer', 'user'] as const) {
      const slot = h.slotFor(world.userIds[role]);
      const orgs = await h.ok(slot, 'organizations.list', { page: 1, pageSize: 200 });
      expect(orgs.items.map((o) => o.id)).toEqual([world.org.own.id]);
      const users = await h.ok(slot, 'users.list', { page: 1, pageSize: 200 });
      expect(users.items.every((u) => u.organizationId === world.org.own.id)).toBe(true);
      const others = await h.call(slot, 'users.list', {
        organizationId: world.org.other.id,
        page: 1,
        pageSize: 200,
      });
      expect(others).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it("refuses to suspend or cancel the administrator's own organization, like deleting it", async () => {
    for (const billingStatus of ['suspended', 'canceled'] as const) {
      const { version } = await h.ok(world.admin(), 'organizations.get', { id: world.org.own.id });
      const before = await fingerprint(h.db);
      const result = await h.call(world.admin(), 'organizations.update', {
        id: world.org.own.id,
        version,
        billingStatus,
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await fingerprint(h.db)).toBe(before);
    }
  });

  it('lets a user edit their own name, and nothing else of theirs', async () => {
    const slot = h.slotFor(world.userIds.user);
    expect(
      (await h.ok(slot, 'users.update', { id: world.userIds.user, name: 'My Name' })).name,
    ).toBe('My Name');
    const promote = await h.call(slot, 'users.update', { id: world.userIds.user, role: 'admin' });
    expect(promote.ok ? 'ok' : promote.error.code).toBe('FORBIDDEN');
  });
});
