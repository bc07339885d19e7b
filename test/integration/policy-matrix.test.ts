import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import { contract } from '../../src-shared/contract.ts';
import { REGISTRY } from '../../src-main/ipc/registry/index.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import {
  declaredAccess,
  matrixCases,
  readAccessPolicy,
  unmatchedChannels,
  viewingCases,
} from '../support/access-policy.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { buildWorld, type World } from '../support/world.ts';
import { recordMatrixCase } from '../support/tally.ts';

/*
 * Every channel x caller x own/other organization, called through the
 * router, against what test/policy/access-policy.md says: a page written
 * by hand from DESIGN.md, never read off the access table or the registry,
 * so a wrong grant or a registration naming the wrong capability fails
 * here. A refused call must also have written nothing. "own" targets live
 * in the callers' organization A, "other" ones in another organization,
 * "own account" is the caller's.
 */

const policy = readAccessPolicy();
const cases = matrixCases(policy);
const viewing = viewingCases(policy);

let h: Harness;
let world: World;

beforeAll(async () => {
  h = await createHarness();
  world = await buildWorld(h, 'matrix');
});
afterAll(() => h.close());

/** The organization an input names, or that owns the organization or user its id names. */
async function organizationNamedBy(raw: Record<string, unknown>): Promise<string | null> {
  if (typeof raw.organizationId === 'string') return raw.organizationId;
  const id =
    typeof raw.id === 'string'
      ? raw.id
      : typeof raw.userId === 'string'
        ? raw.userId
        : Array.isArray(raw.ids)
          ? raw.ids[0]
          : undefined;
  if (typeof id !== 'string') return null;
  const [row] = await h.db.sql<{ organization: string }>(
    `select id as organization from organizations where id = $1
     union all select organization_id from users where id = $1`,
    [id],
  );
  return row?.organization ?? null;
}

describe('policy matrix', () => {
  it('has a row in the access policy for every channel, and none for a channel that does not exist', () => {
    expect(unmatchedChannels(policy)).toEqual({ unknown: [], missing: [] });
  });

  it.each(CHANNEL_NAMES)(
    '%s is registered with the access of its entry in the policy',
    async (channel) => {
      const row = policy.channels.get(channel);
      expect(row, `${channel} has no row in access-policy.md`).toBeDefined();
      const { access } = REGISTRY[channel];
      // a registration that chooses by input is asked about the input the matrix sends
      const input =
        typeof access === 'function'
          ? contract[channel].input.parse(await world.inputs[channel]('own'))
          : undefined;
      expect(declaredAccess(access, input)).toBe(policy.entries.get(row?.entry ?? ''));
    },
  );

  it.each(cases)(
    '$channel as $caller, aimed at $aim',
    async ({ channel, caller, aim, expected }) => {
      expect(expected, `${channel} has no row in access-policy.md`).toBeDefined();
      const slot: SessionSlot = caller === 'signed out' ? {} : h.slotFor(world.userIds[caller]);
      const raw =
        aim === 'own account' && caller !== 'signed out'
          ? { ...(await world.inputs[channel]('own')), id: world.userIds[caller] }
          : await world.inputs[channel](aim === 'other' ? 'other' : 'own');
      const aimedAt = await organizationNamedBy(raw);
      if (!policy.channels.get(channel)?.organization) expect(aimedAt).toBeNull();
      else if (aim === 'other') expect(aimedAt).not.toBeOneOf([null, world.org.own.id]);
      else expect(aimedAt).toBe(world.org.own.id);
      const before = expected === 'allowed' ? null : await fingerprint(h.db);
      const result = await h.call(slot, channel, raw);
      expect(result.ok ? 'allowed' : result.error.code).toBe(expected);
      if (before !== null) expect(await fingerprint(h.db)).toBe(before);
      recordMatrixCase();
    },
  );

  // the view is started through the channel: its session is an administrator's, its calls the developer's
  it.each(viewing)(
    '$channel from an administrator viewing as the developer, aimed at $aim',
    async ({ channel, aim, expected }) => {
      expect(expected, `${channel} has no row in access-policy.md`).toBeDefined();
      const slot = world.admin();
      await h.ok(slot, 'auth.viewAs', { userId: world.userIds.developer, reason: 'The matrix' });
      const raw =
        (expected === 'READ_ONLY_VIEW' && world.refusedUnread[channel]) ||
        (await world.inputs[channel](aim));
      const before = expected === 'allowed' ? null : await fingerprint(h.db);
      const result = await h.call(slot, channel, raw);
      expect(result.ok ? 'allowed' : result.error.code).toBe(expected);
      if (before !== null) expect(await fingerprint(h.db)).toBe(before);
      recordMatrixCase();
    },
  );

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
      const found = await h.ok(slot, 'fleet.searchAgents', { query: 'Target', pageSize: 50 });
      expect(found.items.map((a) => a.organizationId)).toEqual([world.org.own.id]);
      const overview = await h.ok(slot, 'fleet.overview', {});
      expect(overview).toMatchObject({ scope: 'organization', organizations: { total: 1 } });
    }
    // the same search finds the other organization's agent for whoever may see it
    const found = await h.ok(world.admin(), 'fleet.searchAgents', {
      query: 'Target',
      pageSize: 50,
    });
    expect(found.items.map((a) => a.agentId)).toContain(world.target.other.agentId);
  });

  it("refuses to suspend or cancel the administrator's own organization, like deleting it", async () => {
    for (const billingStatus of ['suspended', 'canceled'] as const) {
      const admin = world.admin();
      const { version } = await h.ok(admin, 'organizations.get', { id: world.org.own.id });
      const before = await fingerprint(h.db);
      const result = await h.call(admin, 'organizations.update', {
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
