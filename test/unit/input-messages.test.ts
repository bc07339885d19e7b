import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { agentDocumentField } from '../../src-shared/domain/agent-document.ts';
import { fieldInWords, invalidInputMessage } from '../../src-shared/domain/input-messages.ts';
import { fieldErrorsOf, validationError } from '../../src-main/services/validation.ts';

/* A refused input speaks to an operator: fields in words, no schema paths, no zod phrasing. */

const refusal = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a refusal');
  return validationError(fieldErrorsOf(result.error));
};

const document = (agent: Record<string, unknown>) => ({
  format: 'fleetprompt.agents',
  version: 1,
  agents: [
    {
      name: 'Ok',
      description: null,
      agentVersion: '1.0.0',
      systemPrompt: 'p',
      config: { model: 'm', max_tokens: 10, temperature: 0.5 },
      maxConcurrentRequests: 1,
      timeoutSeconds: 30,
      skills: [],
    },
    agent,
  ],
});

describe('a field in words', () => {
  it('names an item of a list by its place, counted from one', () => {
    expect(fieldInWords('document.agents.1.config')).toBe('Agent 2 configuration');
  });

  it('splits a camel-case name into words', () => {
    expect(fieldInWords('maxConcurrentRequests')).toBe('Max concurrent requests');
  });
});

describe('a refused input', () => {
  it('says a missing part of an import file is required, naming the agent', () => {
    const error = refusal(z.strictObject({ document: agentDocumentField }), {
      document: document({ name: 'Second' }),
    });
    expect(error.message).toMatch(/^Agent 2 description is required/);
    expect(error.message).not.toMatch(/document\.|expected|received|Invalid input/);
  });

  it('says what kind of value a field takes', () => {
    const error = refusal(z.strictObject({ timeoutSeconds: z.number() }), { timeoutSeconds: 'x' });
    expect(error.message).toBe('Timeout seconds must be a number');
  });

  it('says which values a choice takes', () => {
    const error = refusal(z.strictObject({ tier: z.enum(['free', 'pro']) }), { tier: 'gold' });
    expect(error.message).toBe('Tier must be one of free, pro');
  });

  it('keeps the field paths for forms to place each message', () => {
    const error = refusal(z.strictObject({ document: agentDocumentField }), {
      document: document({ name: 'Second' }),
    });
    expect(Object.keys(error.fields ?? {})).toContain('document.agents.1.description');
  });

  it('counts what it leaves out past the first three', () => {
    expect(invalidInputMessage({ a: 'is required', b: 'is required', c: 'x', d: 'y' })).toBe(
      'A is required; B is required; C x (and 1 more)',
    );
  });
});
