import { describe, expect, it } from 'vitest';
import {
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
});
