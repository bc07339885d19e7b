import { describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

/*
 * What the registry answers about the record a call is about, for each
 * kind it loads: a record that does not exist is NOT_FOUND named by its
 * kind, a write based on an older version is a CONFLICT naming the record
 * and both versions, and the access steps around the record (before it is
 * read, and once it says whom it belongs to) answer in their order. The
 * policy matrix checks every channel and role; these are the same steps on
 * a few calls, quick enough for a mutation run to replay per mutant.
 */

const h = adminHarness('records');
const MISSING = '99999999-9999-4999-8999-999999999999';

describe('a call about a record', () => {
  it('names the kind of record that was not found', async () => {
    const agents = await h.org('records-agents', 'pro');
    const missing = await Promise.all([
      h.call(h.admin(), 'organizations.get', { id: MISSING }),
      h.call(h.admin(), 'users.get', { id: MISSING }),
      h.call(h.admin(), 'skills.get', { id: MISSING }),
      h.call(h.admin(), 'agents.get', { organizationId: agents.id, id: MISSING }),
    ]);
    expect(missing.map((result) => !result.ok && result.error)).toEqual([
      { code: 'NOT_FOUND', message: 'Organization not found' },
      { code: 'NOT_FOUND', message: 'User not found' },
      { code: 'NOT_FOUND', message: 'Skill not found' },
      { code: 'NOT_FOUND', message: 'Agent not found' },
    ]);
  });

  it('refuses a write from an older version, naming the record and both versions', async () => {
    const skill = await h.ok(h.admin(), 'skills.create', {
      name: 'Versioned',
      slug: 'versioned',
      tierRequired: 'free',
      systemPromptEnhancement: 'Be precise.',
      tools: [],
    });
    const saved = await h.ok(h.admin(), 'skills.update', {
      id: skill.id,
      version: skill.version,
      name: 'Versioned twice',
    });
    expect(saved.version).toBe(skill.version + 1);
    expect(
      await h.call(h.admin(), 'skills.update', {
        id: skill.id,
        version: skill.version,
        name: 'Stale',
      }),
    ).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: `Skill "Versioned twice" was changed by someone else (version ${saved.version}, yours ${skill.version}); reload and try again`,
      },
    });
  });
});

describe('the access steps of a call', () => {
  it('asks a caller who is not signed in to sign in, even for a channel open to every user', async () => {
    expect(
      await h.call({}, 'csv.export', { table: 'organizations' } as Record<string, unknown>),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue' },
    });
  });

  it('refuses a role without the capability before reading the record, so a missing one is FORBIDDEN too', async () => {
    const developer = await h.user(h.homeId, 'developer', 'dev@records.test');
    expect(await h.call(h.slotFor(developer.id), 'users.delete', { id: MISSING })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('decides on a user record by whom it belongs to: NOT_FOUND in another organization', async () => {
    const other = await h.org('records-other');
    const stranger = await h.user(other.id, 'user', 'stranger@records.test');
    const developer = await h.user(h.homeId, 'developer', 'dev2@records.test');
    expect(await h.call(h.slotFor(developer.id), 'users.get', { id: stranger.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'User not found' },
    });
  });

  it('lets a user rename themself but not someone else of their organization', async () => {
    const self = await h.user(h.homeId, 'user', 'self@records.test');
    const colleague = await h.user(h.homeId, 'user', 'colleague@records.test');
    const slot = h.slotFor(self.id);
    expect((await h.call(slot, 'users.update', { id: self.id, name: 'Renamed' })).ok).toBe(true);
    expect(await h.call(slot, 'users.update', { id: colleague.id, name: 'Renamed' })).toMatchObject(
      { ok: false, error: { code: 'FORBIDDEN' } },
    );
  });

  it("refuses another organization's agents to a developer as not found, before the tenant is opened", async () => {
    const other = await h.org('records-tenant', 'pro');
    const developer = await h.user(h.homeId, 'developer', 'dev3@records.test');
    expect(
      await h.call(h.slotFor(developer.id), 'agents.list', { organizationId: other.id }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Organization not found' } });
  });

  it('answers NOT_FOUND for a tenant call about an organization that does not exist', async () => {
    expect(await h.call(h.admin(), 'agents.list', { organizationId: MISSING })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Organization not found' },
    });
  });
});
