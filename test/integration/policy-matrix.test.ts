import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import type { ErrorCode } from '../../src-shared/errors.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { buildWorld, SCOPES, type Scope, type World } from '../support/world.ts';
import { recordMatrixCase } from '../support/tally.ts';

/*
 * Every channel x role x own/other organization, with the exact outcome the
 * access rules of DESIGN.md give, and proof that a refused call wrote nothing.
 * "own" targets live in the caller's organization A, "other" ones in B.
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

const PUBLIC = new Set<ChannelName>([
  'auth.signIn',
  'auth.signOut',
  'auth.me',
  'auth.firstRun',
  'auth.createFirstAdmin',
]);
const ADMIN_ONLY = new Set<ChannelName>([
  'organizations.create',
  'organizations.update',
  'organizations.changeTier',
  'organizations.delete',
  'users.create',
  'users.confirm',
  'users.confirmMany',
  'users.setPassword',
  'users.delete',
  'skills.create',
  'skills.update',
  'skills.delete',
  'tenancy.status',
  'tenancy.migrateAll',
  'settings.get',
  'settings.testDatabase',
  'settings.saveDatabase',
]);
const TENANT_READS = new Set<ChannelName>([
  'organizations.get',
  'users.get',
  'agents.list',
  'agents.get',
  'agents.history',
  'agents.effectivePrompt',
  'agents.export',
  'csv.export',
]);
const AGENT_WRITES = new Set<ChannelName>([
  'agents.create',
  'agents.update',
  'agents.transition',
  'agents.delete',
  'agents.transitionMany',
  'agents.attachSkill',
  'agents.detachSkill',
  'agents.reorderSkills',
  'agents.import',
]);

/** The access table of DESIGN.md, as outcomes. */
function expected(channel: ChannelName, role: Role, scope: Scope): Outcome {
  if (channel === 'auth.createFirstAdmin') return 'FORBIDDEN';
  if (channel === 'demo.load') return role === 'admin' ? 'ok' : 'FORBIDDEN';
  if (channel === 'auth.changePassword') return role === 'signed out' ? 'UNAUTHENTICATED' : 'ok';
  if (PUBLIC.has(channel)) return 'ok';
  if (role === 'signed out') return 'UNAUTHENTICATED';
  if (role === 'admin')
    return channel === 'organizations.delete' && scope === 'own' ? 'FORBIDDEN' : 'ok';
  if (ADMIN_ONLY.has(channel)) return 'FORBIDDEN';
  if (channel === 'users.update') return 'FORBIDDEN';
  if (channel === 'audit.list')
    return role === 'user' ? 'FORBIDDEN' : scope === 'own' ? 'ok' : 'NOT_FOUND';
  if (TENANT_READS.has(channel)) return scope === 'own' ? 'ok' : 'NOT_FOUND';
  if (AGENT_WRITES.has(channel))
    return scope === 'other' ? 'NOT_FOUND' : role === 'user' ? 'FORBIDDEN' : 'ok';
  return 'ok';
}

const cases = CHANNEL_NAMES.flatMap((channel) =>
  ROLES.flatMap((role) =>
    SCOPES.map((scope) => ({ channel, role, scope, outcome: expected(channel, role, scope) })),
  ),
);

describe('policy matrix', () => {
  it('covers every channel of the contract for every role and scope', () => {
    expect(new Set(cases.map((c) => c.channel))).toEqual(new Set(CHANNEL_NAMES));
    expect(cases).toHaveLength(CHANNEL_NAMES.length * ROLES.length * SCOPES.length);
  });

  it.each(cases)(
    '$channel as $role on $scope organization: $outcome',
    async ({ channel, role, scope, outcome }) => {
      const raw = await world.inputs[channel](scope);
      const slot: SessionSlot = role === 'signed out' ? {} : h.slotFor(world.userIds[role]);
      const before = outcome === 'ok' ? null : await fingerprint(h.db);
      const result = await h.call(slot, channel, raw);
      recordMatrixCase();
      expect(result.ok ? 'ok' : result.error.code).toBe(outcome);
      if (before !== null) expect(await fingerprint(h.db)).toBe(before);
    },
  );

  it('never lists another organization to a tenant user', async () => {
    for (const role of ['developer', 'user'] as const) {
      const slot = h.slotFor(world.userIds[role]);
      const orgs = await h.ok(slot, 'organizations.list', { page: 1, pageSize: 200 });
      expect(orgs.items.map((o) => o.id)).toEqual([world.org.own.id]);
      const users = await h.ok(slot, 'users.list', { page: 1, pageSize: 200 });
      expect(users.items.every((u) => u.organizationId === world.org.own.id)).toBe(true);
      const others = await h.ok(slot, 'users.list', {
        organizationId: world.org.other.id,
        page: 1,
        pageSize: 200,
      });
      expect(others.total).toBe(0);
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
