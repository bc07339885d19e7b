import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentDocument } from '../../src-shared/domain/agent-document.ts';
import { adminHarness, fingerprint } from '../support/harness.ts';

let n = 0;
const skills: Record<'free' | 'pro', { id: string; slug: string }> = {} as never;

const h = adminHarness('transfer');
beforeAll(async () => {
  for (const tier of ['free', 'pro'] as const) {
    skills[tier] = await h.ok(h.admin(), 'skills.create', {
      name: `Transfer ${tier}`,
      slug: `transfer-${tier}`,
      tierRequired: tier,
      systemPromptEnhancement: `${tier} enhancement`,
    });
  }
});

async function sourceWithAgents() {
  n += 1;
  const org = await h.org(`transfer-src-${n}`, 'pro');
  const made = [];
  for (const name of ['Researcher', 'Reviewer']) {
    const agent = await h.ok(h.admin(), 'agents.create', {
      organizationId: org.id,
      name,
      systemPrompt: `${name} prompt`,
      config: { model: 'claude-opus-4', temperature: 0.2 },
    });
    made.push(agent);
  }
  const [researcher] = made;
  if (!researcher) throw new Error('agents not created');
  for (const skill of [skills.pro, skills.free])
    await h.ok(h.admin(), 'agents.attachSkill', {
      organizationId: org.id,
      agentId: researcher.id,
      skillId: skill.id,
    });
  await h.ok(h.admin(), 'agents.transition', {
    organizationId: org.id,
    id: researcher.id,
    version: researcher.version,
    event: 'deploy',
  });
  const document = await h.ok(h.admin(), 'agents.export', {
    organizationId: org.id,
    ids: made.map((a) => a.id),
  });
  return { org, document };
}

const target = async (tier: 'free' | 'pro' = 'pro') => {
  n += 1;
  return h.org(`transfer-dst-${n}`, tier);
};

describe('agent export and import', () => {
  it('exports a versioned document without ids, metrics or state, with skill slugs in order', async () => {
    const { document } = await sourceWithAgents();
    expect(document).toMatchObject({ format: 'fleetprompt.agents', version: 1 });
    const researcher = document.agents.find((a) => a.name === 'Researcher');
    expect(researcher).toEqual({
      name: 'Researcher',
      description: null,
      agentVersion: '1.0.0',
      systemPrompt: 'Researcher prompt',
      config: { model: 'claude-opus-4', max_tokens: 4096, temperature: 0.2 },
      maxConcurrentRequests: 5,
      timeoutSeconds: 30,
      skills: ['transfer-pro', 'transfer-free'],
    });
    expect(JSON.stringify(document)).not.toMatch(/"(id|status|totalExecutions|version)":\s*"/);
  });

  it('imports into another organization as drafts with the same skills in order', async () => {
    const { document } = await sourceWithAgents();
    const dst = await target();
    const result = await h.ok(h.admin(), 'agents.import', {
      organizationId: dst.id,
      document,
      onConflict: 'skip',
    });
    expect(result).toMatchObject({ created: 2, skipped: 0 });
    const created = result.agents.find((a) => a.name === 'Researcher');
    const agent = await h.ok(h.admin(), 'agents.get', {
      organizationId: dst.id,
      id: created?.id ?? '',
    });
    expect(agent).toMatchObject({
      status: 'draft',
      totalExecutions: 0,
      systemPrompt: 'Researcher prompt',
    });
    const view = await h.ok(h.admin(), 'agents.effectivePrompt', {
      organizationId: dst.id,
      id: agent.id,
    });
    expect(view.skills.map((s) => s.slug)).toEqual(['transfer-pro', 'transfer-free']);
    expect((await h.ok(h.admin(), 'organizations.get', { id: dst.id })).agentCount).toBe(2);
  });

  it('skips agents whose name exists when asked to skip', async () => {
    const { org, document } = await sourceWithAgents();
    const result = await h.ok(h.admin(), 'agents.import', {
      organizationId: org.id,
      document,
      onConflict: 'skip',
    });
    expect(result).toMatchObject({ created: 0, skipped: 2 });
    expect(result.agents.map((a) => a.outcome)).toEqual(['skipped', 'skipped']);
  });

  it('creates renamed copies when asked to rename', async () => {
    const { org, document } = await sourceWithAgents();
    const result = await h.ok(h.admin(), 'agents.import', {
      organizationId: org.id,
      document,
      onConflict: 'rename',
    });
    expect(result.agents.map((a) => [a.outcome, a.importedAs])).toEqual([
      ['renamed', 'Researcher (2)'],
      ['renamed', 'Reviewer (2)'],
    ]);
  });

  it('creates nothing when the agents would pass the organization limit', async () => {
    const { document } = await sourceWithAgents();
    const dst = await target('free');
    await h.ok(h.admin(), 'agents.create', {
      organizationId: dst.id,
      name: 'Existing',
      systemPrompt: 'p',
    });
    await h.ok(h.admin(), 'agents.create', {
      organizationId: dst.id,
      name: 'Existing 2',
      systemPrompt: 'p',
    });
    const freeOnly: AgentDocument = {
      ...document,
      agents: document.agents.map((a) => ({ ...a, skills: [] })),
    };
    const before = await fingerprint(h.db);
    const result = await h.call(h.admin(), 'agents.import', {
      organizationId: dst.id,
      document: freeOnly,
      onConflict: 'skip',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_REACHED', message: expect.stringMatching(/2 wanted, room for 1/) },
    });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('creates nothing when a skill is above the organization tier', async () => {
    const { document } = await sourceWithAgents();
    const dst = await target('free');
    const before = await fingerprint(h.db);
    const result = await h.call(h.admin(), 'agents.import', {
      organizationId: dst.id,
      document: { ...document, agents: document.agents.slice(0, 1) },
      onConflict: 'skip',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_REACHED', message: expect.stringMatching(/needs the Pro tier/) },
    });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('creates nothing when a skill is not in the catalog, naming where', async () => {
    const { document } = await sourceWithAgents();
    const dst = await target();
    const agents = document.agents.map((a, i) =>
      i === 1 ? { ...a, skills: ['transfer-free', 'no-such-skill'] } : a,
    );
    const before = await fingerprint(h.db);
    const result = await h.call(h.admin(), 'agents.import', {
      organizationId: dst.id,
      document: { ...document, agents },
      onConflict: 'skip',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { 'document.agents.1.skills.1': 'no skill "no-such-skill"' },
      },
    });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('validates the whole document before anything, with the path of each problem', async () => {
    const { document } = await sourceWithAgents();
    const dst = await target();
    const broken = {
      ...document,
      version: 2,
      agents: [{ ...document.agents[0], config: { model: '', max_tokens: 0, temperature: 9 } }],
    };
    const result = await h.call(h.admin(), 'agents.import', {
      organizationId: dst.id,
      document: broken,
      onConflict: 'skip',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(Object.keys(result.error.fields ?? {})).toEqual(
      expect.arrayContaining(['document.version', 'document.agents.0.config.temperature']),
    );
  });
});
