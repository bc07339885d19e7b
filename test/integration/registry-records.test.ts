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

/** A user of the home organization who has not confirmed their account (no bcrypt work: the harness's). */
async function unconfirmed(email: string) {
  const user = await h.user(h.homeId, 'user', email);
  await h.db.sql('update users set confirmed_at = null where id = $1', [user.id]);
  return user;
}

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

describe('the functions the registry declares around a record', () => {
  it('answers a read about a record from that record', async () => {
    const org = await h.org('records-reads', 'pro');
    const user = await h.user(org.id, 'user', 'read@records.test');
    const skill = await h.ok(h.admin(), 'skills.create', {
      name: 'Readable',
      slug: 'readable',
      tierRequired: 'free',
      systemPromptEnhancement: 'Be brief.',
      tools: [],
    });
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Reader',
      systemPrompt: 'Answer.',
    });
    const byAgent = { organizationId: org.id, id: agent.id };
    const [organization, found, foundSkill, foundAgent, history, prompt, firstRun] =
      await Promise.all([
        h.ok(h.admin(), 'organizations.get', { id: org.id }),
        h.ok(h.admin(), 'users.get', { id: user.id }),
        h.ok(h.admin(), 'skills.get', { id: skill.id }),
        h.ok(h.admin(), 'agents.get', byAgent),
        h.ok(h.admin(), 'agents.history', byAgent),
        h.ok(h.admin(), 'agents.effectivePrompt', byAgent),
        h.ok({}, 'auth.firstRun', {}),
      ]);
    expect([organization.slug, found.email, foundSkill.slug, foundAgent.name]).toEqual([
      'records-reads',
      'read@records.test',
      'readable',
      'Reader',
    ]);
    expect([history.agentId, prompt.agentId]).toEqual([agent.id, agent.id]);
    expect(firstRun).toBe(false);
  });

  it('confirms, unlocks, ends the sessions of and deletes the user it loaded', async () => {
    const made = await unconfirmed('unconfirmed@records.test');
    expect((await h.ok(h.admin(), 'users.confirm', { id: made.id })).confirmedAt).not.toBeNull();
    expect((await h.ok(h.admin(), 'users.unlock', { id: made.id })).lockedUntil).toBeNull();
    const signedIn = await h.user(h.homeId, 'user', 'signed-in@records.test');
    await h.ok(h.slotFor(signedIn.id), 'sessions.list', {});
    expect(await h.ok(h.admin(), 'users.endSessions', { id: signedIn.id })).toEqual({ ended: 1 });
    expect(await h.ok(h.admin(), 'users.delete', { id: made.id })).toBeNull();
    expect(await h.call(h.admin(), 'users.get', { id: made.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('deletes the agent it loaded', async () => {
    const org = await h.org('records-delete', 'pro');
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Doomed',
      systemPrompt: 'Answer.',
    });
    const byAgent = { organizationId: org.id, id: agent.id };
    expect(await h.ok(h.admin(), 'agents.delete', byAgent)).toBeNull();
    expect(await h.call(h.admin(), 'agents.get', byAgent)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Agent not found' },
    });
  });
});

describe('a bulk call', () => {
  it('answers each id once as its own row, a refused one with its reason and what it did not change', async () => {
    const confirmed = await h.user(h.homeId, 'user', 'bulk-confirmed@records.test');
    const fresh = await unconfirmed('bulk-fresh@records.test');
    const result = await h.ok(h.admin(), 'users.confirmMany', {
      ids: [confirmed.id, fresh.id, MISSING, fresh.id],
    });
    expect(result).toEqual({
      done: 2,
      refused: 1,
      results: [
        {
          id: confirmed.id,
          label: confirmed.email,
          outcome: 'done',
          error: null,
          alreadyConfirmed: true,
        },
        { id: fresh.id, label: fresh.email, outcome: 'done', error: null, alreadyConfirmed: false },
        {
          id: MISSING,
          label: null,
          outcome: 'refused',
          error: { code: 'NOT_FOUND', message: 'User not found' },
          alreadyConfirmed: false,
        },
      ],
    });
  });
});

describe('the audit of a call', () => {
  it('records each change of a write as the channel, on its kind of record, in its organization', async () => {
    const org = await h.org('records-audit', 'pro');
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name: 'Audited',
      systemPrompt: 'Answer.',
    });
    const rows = await h.db.sql(
      'select action, target_type, target_id, organization_id from audit_events where target_id = $1',
      [agent.id],
    );
    expect(rows).toEqual([
      {
        action: 'agents.create',
        target_type: 'agent',
        target_id: agent.id,
        organization_id: org.id,
      },
    ]);
  });

  it('records database work that failed, with the reason, though its transaction rolled back', async () => {
    expect(await h.call(h.admin(), 'organizations.export', { id: MISSING })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const rows = await h.db.sql(
      "select target_type, changes from audit_events where action = 'organizations.export'",
    );
    expect(rows).toEqual([
      {
        target_type: 'file',
        changes: {
          outcome: { to: 'failed' },
          error: { to: 'Organization not found' },
        },
      },
    ]);
  });
});

describe('the audit of database work', () => {
  it('records what the work reported, once, with its outcome, when it succeeded', async () => {
    const org = await h.org('records-export', 'pro');
    const report = await h.ok(h.admin(), 'organizations.export', { id: org.id });
    const rows = await h.db.sql<{ target_id: string; organization_id: string; changes: object }>(
      "select target_id, organization_id, changes from audit_events where action = 'organizations.export' and organization_id = $1",
      [org.id],
    );
    expect(rows).toEqual([
      {
        target_id: report.file?.path ?? report.file?.name,
        organization_id: org.id,
        changes: {
          slug: { to: 'records-export' },
          tables: { to: report.tables },
          rows: { to: report.rows },
          bytes: { to: report.file?.bytes },
          outcome: { to: 'succeeded' },
        },
      },
    ]);
  });

  it('records nothing for work that withholds its row (a chunk of an import)', async () => {
    const before = await h.db.sql(
      "select id from audit_events where action = 'organizations.import'",
    );
    await h.ok(h.admin(), 'organizations.import', {
      step: 'chunk',
      upload: MISSING,
      index: 0,
      data: Buffer.from('first bytes').toString('base64'),
    });
    expect(
      await h.db.sql("select id from audit_events where action = 'organizations.import'"),
    ).toEqual(before);
  });
});

describe('a call on an organization in maintenance', () => {
  it('refuses its writes and another maintenance, and lets the call that ends it through', async () => {
    const org = await h.org('records-maintenance', 'pro');
    const row = await h.ok(h.admin(), 'organizations.setMaintenance', {
      id: org.id,
      on: true,
      reason: 'restoring',
    });
    const refused = { ok: false, error: { code: 'MAINTENANCE' } };
    // reads are answered as ever
    expect((await h.ok(h.admin(), 'organizations.get', { id: org.id })).id).toBe(org.id);
    expect((await h.ok(h.admin(), 'agents.list', { organizationId: org.id })).total).toBe(0);
    expect(
      await h.call(h.admin(), 'agents.create', {
        organizationId: org.id,
        name: 'Blocked',
        systemPrompt: 'Answer.',
      }),
    ).toMatchObject(refused);
    expect(
      await h.call(h.admin(), 'organizations.update', {
        id: org.id,
        version: row.version,
        name: 'Renamed meanwhile',
      }),
    ).toMatchObject(refused);
    expect(
      await h.call(h.admin(), 'organizations.renameSlug', {
        id: org.id,
        slug: 'records-renamed',
        version: row.version,
      }),
    ).toMatchObject(refused);
    const ended = await h.ok(h.admin(), 'organizations.setMaintenance', { id: org.id, on: false });
    const renamed = await h.ok(h.admin(), 'organizations.update', {
      id: org.id,
      version: ended.version,
      name: 'Renamed after',
    });
    expect(renamed.name).toBe('Renamed after');
  });
});
