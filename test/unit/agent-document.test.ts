import { describe, expect, it } from 'vitest';
import {
  agentDefinitionField,
  agentDocumentField,
  renamedCopy,
  type AgentDefinition,
} from '../../src-shared/domain/agent-document.ts';

const agent: AgentDefinition = {
  name: 'Support bot',
  description: null,
  agentVersion: '1.0.0',
  systemPrompt: 'Be helpful.',
  config: { model: 'claude-sonnet-4', max_tokens: 4096, temperature: 0.7 },
  maxConcurrentRequests: 5,
  timeoutSeconds: 30,
  skills: ['web-search'],
};
const document = { format: 'fleetprompt.agents', version: 1, agents: [agent] };

const problem = (value: unknown) => {
  const parsed = agentDocumentField.safeParse(value);
  return parsed.success ? null : parsed.error.issues.map((i) => i.message).join('; ');
};

describe('an agent export document', () => {
  it('is read when it is a version 1 FleetPrompt agents document', () => {
    expect(agentDocumentField.parse(document)).toEqual(document);
    const dated = { ...document, exportedAt: '2026-01-02T03:04:05Z', source: 'acme' };
    expect(agentDocumentField.parse(dated)).toEqual(dated);
  });

  it('says when it is not a FleetPrompt agent export', () => {
    expect(problem({ ...document, format: 'other' })).toBe(
      'must be "fleetprompt.agents" (not a FleetPrompt agent export)',
    );
  });

  it('says which version this console reads', () => {
    expect(problem({ ...document, version: 2 })).toBe(
      'must be 1; this console reads version 1 documents',
    );
  });

  it('holds from 1 to 999 agents', () => {
    expect(problem({ ...document, agents: [] })).toBe('must hold at least one agent');
    expect(problem({ ...document, agents: Array(999).fill(agent) })).toBeNull();
    expect(problem({ ...document, agents: Array(1_000).fill(agent) })).not.toBeNull();
  });

  it('refuses fields it does not know, in the document and in an agent', () => {
    expect(problem({ ...document, id: 'x' })).not.toBeNull();
    expect(problem({ ...document, agents: [{ ...agent, status: 'active' }] })).not.toBeNull();
  });

  it('bounds its source to 200 characters and its date to ISO form', () => {
    expect(problem({ ...document, source: 'x'.repeat(200) })).toBeNull();
    expect(problem({ ...document, source: 'x'.repeat(201) })).not.toBeNull();
    expect(problem({ ...document, exportedAt: 'yesterday' })).not.toBeNull();
    expect(problem({ ...document, source: 'a\u0000' })).not.toBeNull();
  });
});

describe('an agent definition', () => {
  const definition = (over: Partial<Record<keyof AgentDefinition, unknown>>) =>
    agentDefinitionField.safeParse({ ...agent, ...over }).success;

  it('takes a version label of 1 to 50 characters, trimmed', () => {
    expect(agentDefinitionField.parse({ ...agent, agentVersion: ' 2.0 ' }).agentVersion).toBe(
      '2.0',
    );
    expect(definition({ agentVersion: ' ' })).toBe(false);
    expect(definition({ agentVersion: 'v'.repeat(50) })).toBe(true);
    expect(definition({ agentVersion: 'v'.repeat(51) })).toBe(false);
    expect(definition({ agentVersion: '1\u0000' })).toBe(false);
  });

  it('takes 1 to 1,000 concurrent requests and a timeout of 1 to 3,600 seconds, whole', () => {
    for (const [field, low, high] of [
      ['maxConcurrentRequests', 1, 1_000],
      ['timeoutSeconds', 1, 3_600],
    ] as const) {
      expect(definition({ [field]: low })).toBe(true);
      expect(definition({ [field]: high })).toBe(true);
      expect(definition({ [field]: low - 1 })).toBe(false);
      expect(definition({ [field]: high + 1 })).toBe(false);
      expect(definition({ [field]: 1.5 })).toBe(false);
    }
  });

  it('names at most 50 skills, by valid slug', () => {
    const slugs = (n: number) => Array.from({ length: n }, (_, i) => `skill-${i}`);
    expect(definition({ skills: slugs(50) })).toBe(true);
    expect(definition({ skills: slugs(51) })).toBe(false);
    expect(definition({ skills: ['Not A Slug'] })).toBe(false);
  });

  it('may have a description or none', () => {
    expect(definition({ description: 'Answers tickets' })).toBe(true);
    expect(definition({ description: null })).toBe(true);
  });
});

describe('the name of an imported copy', () => {
  it('is the first "Name (n)" from 2 that is free', () => {
    expect(renamedCopy('Bot', new Set(), 200)).toBe('Bot (2)');
    expect(renamedCopy('Bot', new Set(['Bot (2)', 'Bot (3)']), 200)).toBe('Bot (4)');
  });

  it('is cut to keep within the name length, suffix included', () => {
    expect(renamedCopy('abcdefghij', new Set(), 8)).toBe('abcd (2)');
    expect(renamedCopy('abcdefghij', new Set(['abcd (2)']), 8)).toBe('abcd (3)');
  });
});
