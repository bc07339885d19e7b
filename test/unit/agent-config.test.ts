import { describe, expect, it } from 'vitest';
import {
  AGENT_DEFAULTS,
  agentConfigWithDefaults,
  DEFAULT_AGENT_CONFIG,
} from '../../src-shared/domain/agent-config.ts';

describe('agent config defaults', () => {
  it('are claude-sonnet-4, 4096 max tokens and temperature 0.7', () => {
    expect(DEFAULT_AGENT_CONFIG).toEqual({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      temperature: 0.7,
    });
  });

  it('fill in what a partial config leaves out', () => {
    expect(agentConfigWithDefaults({ temperature: 1.2 })).toEqual({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      temperature: 1.2,
    });
  });

  it('give a new agent version 1.0.0, 5 concurrent requests and a 30 second timeout', () => {
    expect(AGENT_DEFAULTS).toEqual({
      version: '1.0.0',
      maxConcurrentRequests: 5,
      timeoutSeconds: 30,
    });
  });
});
