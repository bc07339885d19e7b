import { describe, expect, it } from 'vitest';
import {
  AGENT_EVENTS,
  AGENT_STATUSES,
  allowedAgentEvents,
  INITIAL_AGENT_STATUS,
  nextAgentStatus,
  SERVING_EVENTS,
  type AgentEvent,
  type AgentStatus,
} from '../../src-shared/domain/agent-machine.ts';

const ALLOWED: [AgentStatus, AgentEvent, AgentStatus][] = [
  ['draft', 'deploy', 'deploying'],
  ['deploying', 'activate', 'active'],
  ['active', 'pause', 'paused'],
  ['paused', 'resume', 'active'],
  ['deploying', 'fail', 'error'],
  ['active', 'fail', 'error'],
  ['error', 'redeploy', 'deploying'],
];

describe('agent state machine', () => {
  it.each(ALLOWED)('%s -%s-> %s', (from, event, to) => {
    expect(nextAgentStatus(from, event)).toBe(to);
  });

  const forbidden = AGENT_STATUSES.flatMap((from) =>
    AGENT_EVENTS.filter((event) => !ALLOWED.some(([f, e]) => f === from && e === event)).map(
      (event) => [from, event] as const,
    ),
  );

  it.each(forbidden)('refuses %s -%s->', (from, event) => {
    expect(nextAgentStatus(from, event)).toBeNull();
  });

  it('lists the events allowed from each status', () => {
    expect(allowedAgentEvents('draft')).toEqual(['deploy']);
    expect(allowedAgentEvents('deploying')).toEqual(['activate', 'fail']);
    expect(allowedAgentEvents('active')).toEqual(['pause', 'fail']);
    expect(allowedAgentEvents('paused')).toEqual(['resume']);
    expect(allowedAgentEvents('error')).toEqual(['redeploy']);
  });

  it('starts an agent as a draft', () => {
    expect(INITIAL_AGENT_STATUS).toBe('draft');
  });

  it('counts as putting an agent to work exactly the events that lead to deploying or active', () => {
    const working = new Set(
      ALLOWED.filter(([, , to]) => to === 'deploying' || to === 'active').map(([, e]) => e),
    );
    expect([...SERVING_EVENTS].sort()).toEqual([...working].sort());
  });
});
