import { describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

/*
 * What the registry answers about the record a call is about, for each
 * kind it loads: a record that does not exist is NOT_FOUND named by its
 * kind, and a write based on an older version is a CONFLICT naming the
 * record and both versions.
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
