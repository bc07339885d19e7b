import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract.ts';
import { agentDocumentField } from '../../src-shared/domain/agent-document.ts';
import {
  fieldInWords,
  invalidInputMessage,
  operatorMessage,
} from '../../src-shared/domain/input-messages.ts';
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

  it('names the field of a second step given neither a code nor a recovery code, or both', () => {
    const verification = contract['auth.verifySecondFactor'].input;
    expect(refusal(verification, {}).fields).toEqual({
      code: 'is required, or a recovery code instead',
    });
    expect(
      refusal(verification, { code: '123 456', recoveryCode: 'abcd-efgh-ijkl' }).fields,
    ).toEqual({ recoveryCode: 'cannot be given with a code' });
    expect(verification.parse({ code: '123 456' })).toEqual({ code: '123456' });
    expect(verification.parse({ recoveryCode: 'ABCD-efgh-ijkl' })).toEqual({
      recoveryCode: 'abcdefghijkl',
    });
  });

  it('counts what it leaves out past the first three', () => {
    expect(invalidInputMessage({ a: 'is required', b: 'is required', c: 'x', d: 'y' })).toBe(
      'A is required; B is required; C x (and 1 more)',
    );
  });
});

describe("zod's messages in an operator's words", () => {
  /** The message for one of zod's raw issues, as the schema would raise it. */
  const said = (issue: Record<string, unknown>) =>
    operatorMessage({ input: 'given', path: [], ...issue } as never);

  it('says a missing value is required, and names the kind a wrong one must be', () => {
    expect(said({ code: 'invalid_type', expected: 'string', input: undefined })).toBe(
      'is required',
    );
    expect(said({ code: 'invalid_type', expected: 'string', input: null })).toBe('is required');
    const kinds = ['string', 'number', 'int', 'boolean', 'object', 'array', 'date', 'bigint'];
    expect(kinds.map((expected) => said({ code: 'invalid_type', expected, input: 5 }))).toEqual([
      'must be text',
      'must be a number',
      'must be a whole number',
      'must be yes or no',
      'must be a set of named values',
      'must be a list',
      'must be a date',
      'must be bigint',
    ]);
  });

  it('says an empty text is required and an empty list needs an item', () => {
    expect(said({ code: 'too_small', origin: 'string', minimum: 1 })).toBe('is required');
    expect(said({ code: 'too_small', origin: 'array', minimum: 1 })).toBe(
      'must hold at least one item',
    );
  });

  it('names a lower bound in characters, items, or as a number', () => {
    expect(
      [
        ['string', 2],
        ['array', 2],
        ['set', 3],
        ['number', 1],
        ['number', 1500],
      ].map(([origin, minimum]) => said({ code: 'too_small', origin, minimum })),
    ).toEqual([
      'must be at least 2 characters',
      'must be at least 2 items',
      'must be at least 3 items',
      'must be at least 1',
      'must be at least 1,500',
    ]);
  });

  it('names an upper bound the same way', () => {
    expect(said({ code: 'too_big', origin: 'string', maximum: 2000 })).toBe(
      'must be at most 2,000 characters',
    );
    expect(said({ code: 'too_big', origin: 'number', maximum: 5 })).toBe('must be at most 5');
  });

  it('names the one value allowed, or each of several', () => {
    expect(said({ code: 'invalid_value', values: [1] })).toBe('must be 1');
    expect(said({ code: 'invalid_value', values: ['a', 'b'] })).toBe('must be one of a, b');
  });

  it('names the format a text must have', () => {
    expect(
      ['email', 'datetime', 'uuid', 'regex'].map((format) =>
        said({ code: 'invalid_format', format }),
      ),
    ).toEqual([
      'must be an email address',
      'must be a date and time',
      'is not a valid reference',
      'is not written the way it must be',
    ]);
  });

  it('says unknown fields and unreadable shapes in words, and keeps a message a schema wrote itself', () => {
    expect(said({ code: 'unrecognized_keys', keys: ['x'] })).toBe(
      'holds fields this console does not know',
    );
    expect(said({ code: 'invalid_union', errors: [] })).toBe('is not in a form this console reads');
    expect(said({ code: 'custom', message: 'its own' })).toBeUndefined();
  });
});

describe('a field in words, further', () => {
  it('calls the whole input the input', () => {
    expect(fieldInWords('')).toBe('The input');
    expect(fieldInWords('(input)')).toBe('The input');
  });

  it('counts a place of ten or more, and an item of a list without a name', () => {
    expect(fieldInWords('skills.10.name')).toBe('Skill 11 name');
    expect(fieldInWords('3')).toBe('Item 4');
    // a name that begins or ends with digits is no place in a list
    expect(fieldInWords('address2')).toBe('Address2');
    expect(fieldInWords('2fa')).toBe('2fa');
    expect(fieldInWords('document.agents.0.agentVersion')).toBe('Agent 1 version');
  });

  it('reads underscores and digits before a capital as word breaks, and only those', () => {
    expect(fieldInWords('max_tokens')).toBe('Max tokens');
    expect(fieldInWords('utf8Bytes')).toBe('Utf8 bytes');
    expect(fieldInWords('status')).toBe('Status');
  });

  it('says one problem alone, and three without counting more', () => {
    expect(invalidInputMessage({ name: 'is required' })).toBe('Name is required');
    expect(invalidInputMessage({ a: 'x', b: 'y', c: 'z' })).toBe('A x; B y; C z');
  });
});
