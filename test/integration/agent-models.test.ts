import { describe, expect, it } from 'vitest';
import { MODELS_IN_USE_LISTED } from '../../src-shared/domain/agent-config.ts';
import { adminHarness } from '../support/harness.ts';

/*
 * agents.models: the models an organization's agents use, as the agent form
 * offers them. Most used first, each with its count, read from the
 * organization's own schema and from no other.
 */

const h = adminHarness('models');

/** A model as an operator might type it: quotes, SQL, accents, an emoji, spaces around. */
const ODD = `  o'brien "x"; drop table agents; -- modèle 🚀  `;

async function agentsUsing(organizationId: string, models: (string | undefined)[]) {
  const made = [];
  for (const [i, model] of models.entries()) {
    made.push(
      await h.ok(h.admin(), 'agents.create', {
        organizationId,
        name: `Agent ${i}`,
        systemPrompt: 'p',
        ...(model === undefined ? {} : { config: { model } }),
      }),
    );
  }
  return made;
}

describe('the models in use', () => {
  it('lists each model once, most used first, ties by name, with its count of agents', async () => {
    const org = await h.org('models-counted', 'pro');
    expect(await h.ok(h.admin(), 'agents.models', { organizationId: org.id })).toEqual({
      models: [],
    });
    // undefined: the spec's default model, claude-sonnet-4
    const made = await agentsUsing(org.id, [
      'gpt-4o',
      undefined,
      'gpt-4o',
      'alpha-model',
      ODD,
      'gpt-4o',
      undefined,
      'alpha-model',
    ]);
    expect(await h.ok(h.admin(), 'agents.models', { organizationId: org.id })).toEqual({
      models: [
        { model: 'gpt-4o', agents: 3 },
        { model: 'alpha-model', agents: 2 },
        { model: 'claude-sonnet-4', agents: 2 },
        // stored trimmed, answered as stored: no quoting or escaping shows through
        { model: ODD.trim(), agents: 1 },
      ],
    });

    // an edit moves an agent from one model to another; a deleted agent no longer counts
    const [switched, , , removed] = made;
    if (!switched || !removed) throw new Error('the agents were created');
    await h.ok(h.admin(), 'agents.update', {
      organizationId: org.id,
      id: switched.id,
      version: switched.version,
      config: { ...switched.config, model: 'claude-sonnet-4' },
    });
    await h.ok(h.admin(), 'agents.delete', { organizationId: org.id, id: removed.id });
    const after = await h.ok(h.admin(), 'agents.models', { organizationId: org.id });
    expect(after.models.map((m) => `${m.model} ${m.agents}`)).toEqual([
      'claude-sonnet-4 3',
      'gpt-4o 2',
      'alpha-model 1',
      `${ODD.trim()} 1`,
    ]);
  });

  it(`answers at most ${MODELS_IN_USE_LISTED}, the most used`, async () => {
    const org = await h.org('models-many', 'pro');
    // written directly: what matters is how many distinct models the schema holds
    await h.db.sql(
      `insert into "org_models-many".agents (name, system_prompt, config)
       select 'Bulk ' || i, 'p',
              jsonb_build_object('model', 'model-' || lpad(i::text, 3, '0'),
                                 'max_tokens', 10, 'temperature', 0.5)
         from generate_series(1, ${MODELS_IN_USE_LISTED + 10}) as i`,
    );
    // the last by name, first by use: a bound by name would have cut it off
    const last = `model-0${MODELS_IN_USE_LISTED + 10}`;
    await agentsUsing(org.id, [last, last]);
    const { models } = await h.ok(h.admin(), 'agents.models', { organizationId: org.id });
    expect(models).toHaveLength(MODELS_IN_USE_LISTED);
    expect(models[0]).toEqual({ model: last, agents: 3 });
    expect(models[1]).toEqual({ model: 'model-001', agents: 1 });
    expect(models.at(-1)).toEqual({
      model: `model-0${MODELS_IN_USE_LISTED - 1}`,
      agents: 1,
    });
  });
});

describe('the organization boundary', () => {
  it("never answers another organization's models", async () => {
    const mine = await h.org('models-mine', 'pro');
    const theirs = await h.org('models-theirs', 'pro');
    await agentsUsing(mine.id, ['shared-model']);
    await agentsUsing(theirs.id, ['their-secret-model', 'shared-model', 'shared-model']);
    expect(await h.ok(h.admin(), 'agents.models', { organizationId: mine.id })).toEqual({
      models: [{ model: 'shared-model', agents: 1 }],
    });
  });

  it("answers a user their own organization's models and refuses them another's as not found", async () => {
    const mine = await h.org('models-user-home', 'pro');
    const theirs = await h.org('models-user-away', 'pro');
    await agentsUsing(mine.id, ['home-model']);
    await agentsUsing(theirs.id, ['away-model']);
    for (const role of ['user', 'developer'] as const) {
      const caller = h.slotFor((await h.user(mine.id, role, `${role}@models.test`)).id);
      expect(await h.ok(caller, 'agents.models', { organizationId: mine.id })).toEqual({
        models: [{ model: 'home-model', agents: 1 }],
      });
      expect(await h.call(caller, 'agents.models', { organizationId: theirs.id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND', message: 'Organization not found' },
      });
    }
  });
});
