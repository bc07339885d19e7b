import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src-shared/domain/agent-machine.ts';
import type { AgentDto } from '../../src-shared/dto.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem } from '../support/services.ts';

let db: TestDatabase;
let organizationId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  organizationId = (
    await asSystem(db)('organizations.create', {
      name: 'Agents Co',
      slug: 'agents-co',
      tier: 'pro',
    })
  ).id;
});
afterAll(() => db.drop());

const newAgent = () =>
  asSystem(db)('agents.create', { organizationId, name: 'Walker', systemPrompt: 'You walk.' });

const step = (agent: AgentDto, event: AgentEvent) =>
  asSystem(db)('agents.transition', {
    organizationId,
    id: agent.id,
    version: agent.version,
    event,
  });

describe('agents', () => {
  it('gets the spec defaults on create', async () => {
    const agent = await newAgent();
    expect(agent).toMatchObject({
      status: 'draft',
      agentVersion: '1.0.0',
      config: { model: 'claude-sonnet-4', max_tokens: 4096, temperature: 0.7 },
      maxConcurrentRequests: 5,
      timeoutSeconds: 30,
      totalExecutions: 0,
      totalTokensUsed: 0,
      avgLatencyMs: null,
      version: 1,
    });
  });

  it('walks every allowed transition and records each one', async () => {
    let agent = await newAgent();
    const path: AgentEvent[] = [
      'deploy',
      'activate',
      'pause',
      'resume',
      'fail',
      'redeploy',
      'fail',
      'redeploy',
      'activate',
    ];
    for (const event of path) agent = await step(agent, event);
    expect(agent.status).toBe('active');
    const history = await asSystem(db)('agents.history', { organizationId, id: agent.id });
    expect(history.transitions.map((t) => `${t.from}-${t.event}->${t.to}`)).toEqual([
      'draft-deploy->deploying',
      'deploying-activate->active',
      'active-pause->paused',
      'paused-resume->active',
      'active-fail->error',
      'error-redeploy->deploying',
      'deploying-fail->error',
      'error-redeploy->deploying',
      'deploying-activate->active',
    ]);
    expect(history.transitions.every((t) => t.actorLabel === 'system')).toBe(true);
    expect(history.allowedEvents).toEqual(['pause', 'fail']);
  });

  it.each<[AgentEvent[], AgentEvent, RegExp]>([
    [[], 'activate', /draft cannot activate; allowed: deploy/],
    [[], 'pause', /allowed: deploy/],
    [['deploy'], 'deploy', /deploying cannot deploy; allowed: activate, fail/],
    [['deploy', 'activate'], 'resume', /allowed: pause, fail/],
    [['deploy', 'activate', 'pause'], 'fail', /paused cannot fail; allowed: resume/],
    [['deploy', 'fail'], 'activate', /error cannot activate; allowed: redeploy/],
  ])('after %j refuses %s with the allowed events named', async (before, event, message) => {
    let agent = await newAgent();
    for (const e of before) agent = await step(agent, e);
    await expect(step(agent, event)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringMatching(message),
    });
  });

  it('keeps config keys beyond model, max_tokens and temperature, and still checks those three', async () => {
    const agent = await asSystem(db)('agents.create', {
      organizationId,
      name: 'Open config',
      systemPrompt: 'p',
      config: { top_p: 0.9, stop: ['END'], routing: { region: 'eu' } },
    });
    expect(agent.config).toEqual({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      temperature: 0.7,
      top_p: 0.9,
      stop: ['END'],
      routing: { region: 'eu' },
    });
    await expect(
      asSystem(db)('agents.create', {
        organizationId,
        name: 'Too hot',
        systemPrompt: 'p',
        config: { temperature: 5 },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: { 'config.temperature': expect.any(String) },
    });
    await expect(
      asSystem(db)('agents.create', {
        organizationId,
        name: 'Too big',
        systemPrompt: 'p',
        config: { blob: 'x'.repeat(20_000) },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: { config: expect.stringMatching(/KB in all/) },
    });
  });

  it('gives CONFLICT for a transition with a stale version', async () => {
    const agent = await newAgent();
    await step(agent, 'deploy');
    await expect(step(agent, 'deploy')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('updates the config and the prompt, bumping the version', async () => {
    const agent = await newAgent();
    const updated = await asSystem(db)('agents.update', {
      organizationId,
      id: agent.id,
      version: agent.version,
      systemPrompt: 'New prompt',
      config: { model: 'claude-opus-4', max_tokens: 8192, temperature: 1.1 },
    });
    expect(updated).toMatchObject({
      systemPrompt: 'New prompt',
      version: 2,
      config: { model: 'claude-opus-4' },
    });
  });

  it('keeps the organization agent count in step with creates', async () => {
    const [before] = await db.sql<{ agent_count: number }>(
      'select agent_count from organizations where id = $1',
      [organizationId],
    );
    await newAgent();
    const [after] = await db.sql<{ agent_count: number }>(
      'select agent_count from organizations where id = $1',
      [organizationId],
    );
    const [actual] = await db.sql<{ n: string }>(
      'select count(*) as n from "org_agents-co".agents',
    );
    expect(after!.agent_count).toBe(before!.agent_count + 1);
    expect(after!.agent_count).toBe(Number(actual!.n));
  });
});
