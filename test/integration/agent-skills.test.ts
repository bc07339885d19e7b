import { describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

let n = 0;

const h = adminHarness('skills');

async function skill(tierRequired: 'free' | 'pro' | 'enterprise', tools: string[] = []) {
  n += 1;
  return h.ok(h.admin(), 'skills.create', {
    name: `Skill ${n}`,
    slug: `skill-${n}`,
    tierRequired,
    systemPromptEnhancement: `Enhancement ${n}.`,
    tools,
  });
}

async function agentIn(tier: 'free' | 'pro' | 'enterprise' = 'pro') {
  n += 1;
  const org = await h.org(`agents-${n}`, tier);
  const agent = await h.ok(h.admin(), 'agents.create', {
    organizationId: org.id,
    name: `Agent ${n}`,
    systemPrompt: 'You are helpful.',
  });
  return { org, agent };
}

const attach = (organizationId: string, agentId: string, skillId: string) =>
  h.call(h.admin(), 'agents.attachSkill', { organizationId, agentId, skillId });

describe('skills on agents', () => {
  it('composes the effective prompt from the agent prompt and the skills in attachment order', async () => {
    const { org, agent } = await agentIn();
    const first = await skill('free', ['web_search', 'web_fetch']);
    const second = await skill('pro', ['web_fetch', 'send_email']);
    await attach(org.id, agent.id, first.id);
    await attach(org.id, agent.id, second.id);
    const view = await h.ok(h.admin(), 'agents.effectivePrompt', {
      organizationId: org.id,
      id: agent.id,
    });
    expect(view.prompt).toBe(
      `You are helpful.\n\n${first.systemPromptEnhancement}\n\n${second.systemPromptEnhancement}`,
    );
    expect(view.tools).toEqual(['web_search', 'web_fetch', 'send_email']);
    expect(view.skills.map((s) => s.slug)).toEqual([first.slug, second.slug]);
  });

  it('reorders the attached skills, and the prompt follows the new order', async () => {
    const { org, agent } = await agentIn();
    const a = await skill('free');
    const b = await skill('free');
    await attach(org.id, agent.id, a.id);
    await attach(org.id, agent.id, b.id);
    const view = await h.ok(h.admin(), 'agents.reorderSkills', {
      organizationId: org.id,
      agentId: agent.id,
      skillIds: [b.id, a.id],
    });
    expect(view.skills.map((s) => s.skillId)).toEqual([b.id, a.id]);
    expect(view.prompt.indexOf(b.systemPromptEnhancement)).toBeLessThan(
      view.prompt.indexOf(a.systemPromptEnhancement),
    );
  });

  it('refuses an order that does not list each attached skill once', async () => {
    const { org, agent } = await agentIn();
    const a = await skill('free');
    const b = await skill('free');
    await attach(org.id, agent.id, a.id);
    await attach(org.id, agent.id, b.id);
    const result = await h.call(h.admin(), 'agents.reorderSkills', {
      organizationId: org.id,
      agentId: agent.id,
      skillIds: [a.id, a.id],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('detaches a skill, removing its enhancement and tools', async () => {
    const { org, agent } = await agentIn();
    const a = await skill('free', ['only_here']);
    await attach(org.id, agent.id, a.id);
    const view = await h.ok(h.admin(), 'agents.detachSkill', {
      organizationId: org.id,
      agentId: agent.id,
      skillId: a.id,
    });
    expect(view).toMatchObject({ prompt: 'You are helpful.', tools: [], skills: [] });
  });

  it('refuses to attach a skill above the organization tier, naming the tier needed', async () => {
    const { org, agent } = await agentIn('free');
    const premium = await skill('enterprise');
    const result = await attach(org.id, agent.id, premium.id);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_REACHED', message: expect.stringMatching(/needs the Enterprise tier/) },
    });
    const view = await h.ok(h.admin(), 'agents.effectivePrompt', {
      organizationId: org.id,
      id: agent.id,
    });
    expect(view.skills).toEqual([]);
  });

  it('refuses to attach the same skill twice', async () => {
    const { org, agent } = await agentIn();
    const a = await skill('free');
    await attach(org.id, agent.id, a.id);
    expect(await attach(org.id, agent.id, a.id)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('refuses a tier downgrade that would strand attached skills, and keeps the tier', async () => {
    const { org, agent } = await agentIn('enterprise');
    const pro = await skill('pro');
    await attach(org.id, agent.id, pro.id);
    const before = await h.ok(h.admin(), 'organizations.get', { id: org.id });
    const result = await h.call(h.admin(), 'organizations.changeTier', {
      id: org.id,
      version: before.version,
      tier: 'free',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'LIMIT_REACHED',
        message: expect.stringMatching(new RegExp(`${pro.name} \\(needs Pro, 1 agent\\)`)),
      },
    });
    expect((await h.ok(h.admin(), 'organizations.get', { id: org.id })).tier).toBe('enterprise');
  });

  it('allows the downgrade once the skill is detached', async () => {
    const { org, agent } = await agentIn('enterprise');
    const pro = await skill('pro');
    await attach(org.id, agent.id, pro.id);
    await h.ok(h.admin(), 'agents.detachSkill', {
      organizationId: org.id,
      agentId: agent.id,
      skillId: pro.id,
    });
    const before = await h.ok(h.admin(), 'organizations.get', { id: org.id });
    const after = await h.ok(h.admin(), 'organizations.changeTier', {
      id: org.id,
      version: before.version,
      tier: 'free',
    });
    expect(after.tier).toBe('free');
  });

  it('refuses to raise a skill tier above organizations whose agents use it', async () => {
    const { org, agent } = await agentIn('pro');
    const a = await skill('free');
    await attach(org.id, agent.id, a.id);
    const result = await h.call(h.admin(), 'skills.update', {
      id: a.id,
      tierRequired: 'enterprise',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_REACHED', message: expect.stringMatching(/would strand them/) },
    });
  });

  it('refuses to delete a catalog skill that agents use, with the count of agents', async () => {
    const a = await skill('free');
    for (let i = 0; i < 2; i++) {
      const { org, agent } = await agentIn();
      await attach(org.id, agent.id, a.id);
    }
    const result = await h.call(h.admin(), 'skills.delete', { id: a.id });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/attached to 2 agents in 2/) },
    });
    expect((await h.ok(h.admin(), 'skills.get', { id: a.id })).id).toBe(a.id);
  });

  it('with force, detaches the skill everywhere in one transaction and says where', async () => {
    const a = await skill('free');
    const kept = await skill('free');
    const used = [await agentIn(), await agentIn()];
    for (const { org, agent } of used) {
      await attach(org.id, agent.id, a.id);
      await attach(org.id, agent.id, kept.id);
    }
    const result = await h.ok(h.admin(), 'skills.delete', { id: a.id, force: true });
    expect(result.detachedFrom.map((d) => [d.organizationId, d.agents]).sort()).toEqual(
      used.map(({ org }) => [org.id, 1]).sort(),
    );
    for (const { org, agent } of used) {
      const view = await h.ok(h.admin(), 'agents.effectivePrompt', {
        organizationId: org.id,
        id: agent.id,
      });
      expect(view.skills.map((s) => s.skillId)).toEqual([kept.id]);
    }
    const usage = await h.db.sql<{ n: string }>(
      `select count(*) as n from public.skill_usage where skill_id = '${a.id}'`,
    );
    expect(Number(usage[0]?.n)).toBe(0);
  });

  it('releases the usage of a deleted agent, so its skill can then be deleted without force', async () => {
    const a = await skill('free');
    const { org, agent } = await agentIn();
    await attach(org.id, agent.id, a.id);
    await h.ok(h.admin(), 'agents.delete', { organizationId: org.id, id: agent.id });
    expect((await h.call(h.admin(), 'skills.delete', { id: a.id })).ok).toBe(true);
  });

  it('lets a developer attach skills in their own organization', async () => {
    const { org, agent } = await agentIn();
    const dev = await h.user(org.id, 'developer', `dev-${n}@skills.test`);
    const a = await skill('free');
    const view = await h.ok(h.slotFor(dev.id), 'agents.attachSkill', {
      organizationId: org.id,
      agentId: agent.id,
      skillId: a.id,
    });
    expect(view.skills).toHaveLength(1);
  });
});
