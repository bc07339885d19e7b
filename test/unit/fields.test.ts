import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  agentConfigField,
  auditActionField,
  auditTargetField,
  instantField,
  agentConfigPatchField,
  descriptionField,
  emailField,
  listInput,
  MAX_CONFIG_BYTES,
  MAX_PAGE_SIZE,
  nameField,
  passwordField,
  promptField,
  reasonField,
  slugField,
  text,
  toolField,
  uuidField,
  versionField,
} from '../../src-shared/domain/fields.ts';

/** The message of the first issue a schema finds, or null when the value passes. */
function problem(schema: z.ZodType, value: unknown): string | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'no message');
}

const CONFIG = { model: 'claude-sonnet-4', max_tokens: 4096, temperature: 0.7 };

describe('text fields', () => {
  it('refuse a NUL character, which PostgreSQL text cannot hold', () => {
    expect(problem(text(), 'a\u0000b')).toBe('must not contain NUL characters');
    expect(problem(text(), 'plain text')).toBeNull();
  });

  it('say a name is required when only blanks are given, and trim it', () => {
    expect(problem(nameField, '   ')).toBe('is required');
    expect(nameField.parse('  Acme  ')).toBe('Acme');
  });

  it('bound a name to 200 characters', () => {
    expect(problem(nameField, 'x'.repeat(200))).toBeNull();
    expect(problem(nameField, 'x'.repeat(201))).toBe('must be at most 200 characters');
  });

  it('bound a description to 2,000 characters', () => {
    expect(problem(descriptionField, 'x'.repeat(2_000))).toBeNull();
    expect(problem(descriptionField, 'x'.repeat(2_001))).toBe('must be at most 2000 characters');
  });

  it('require a prompt and bound it to 100,000 characters', () => {
    expect(problem(promptField, '')).toBe('is required');
    expect(problem(promptField, 'x'.repeat(100_000))).toBeNull();
    expect(problem(promptField, 'x'.repeat(100_001))).toBe('must be at most 100000 characters');
  });
});

describe('a reason given for a step', () => {
  it('is required, blanks alone being none, and trimmed', () => {
    expect(problem(reasonField, '  ')).toBe('is required');
    expect(reasonField.parse('  out of budget ')).toBe('out of budget');
  });

  it('is bounded to 2,000 characters', () => {
    expect(problem(reasonField, 'x'.repeat(2_000))).toBeNull();
    expect(problem(reasonField, 'x'.repeat(2_001))).toBe('must be at most 2000 characters');
  });
});

describe('identifier fields', () => {
  it('take a UUID, and say so otherwise', () => {
    expect(problem(uuidField, '11111111-1111-4111-8111-111111111111')).toBeNull();
    expect(problem(uuidField, 'not-a-uuid')).toBe('is not a valid reference');
  });

  it("give a slug's own problem as the message", () => {
    expect(problem(slugField, 'acme-labs')).toBeNull();
    expect(problem(slugField, 'Acme')).toBe(
      'may contain only lowercase letters, digits and single hyphens between them',
    );
  });

  it('refuse an oversized slug before reading it', () => {
    expect(problem(slugField, 'x'.repeat(65))).toMatch(/must be at most/);
  });

  it('trim an email and check it is one', () => {
    expect(emailField.parse('  ops@example.test ')).toBe('ops@example.test');
    expect(problem(emailField, 'not an email')).toBe('must be an email address');
  });

  it('bound an email to 254 characters', () => {
    expect(problem(emailField, `${'x'.repeat(251)}@a.b`)).toBe('must be at most 254 characters');
  });

  it("give a password's own problem, and refuse an oversized one before measuring it", () => {
    expect(problem(passwordField, 'short')).toBe('must be at least 8 characters');
    expect(problem(passwordField, 'long enough')).toBeNull();
    expect(problem(passwordField, 'x'.repeat(1_001))).toBe(
      'must be at most 72 characters (fewer with accented letters or emoji)',
    );
  });

  it('take a version from 1, whole numbers only', () => {
    expect(problem(versionField, 1)).toBeNull();
    expect(problem(versionField, 0)).not.toBeNull();
    expect(problem(versionField, 1.5)).not.toBeNull();
  });

  it('take a tool name of letters, digits and _ . : -, trimmed, 1 to 100 long', () => {
    expect(toolField.parse(' web.search:v2_beta-1 ')).toBe('web.search:v2_beta-1');
    expect(problem(toolField, 'rm -rf')).toBe('may contain letters, digits, _ . : and -');
    expect(problem(toolField, '  ')).not.toBeNull();
    expect(problem(toolField, 'x'.repeat(100))).toBeNull();
    expect(problem(toolField, 'x'.repeat(101))).not.toBeNull();
  });
});

describe("an agent's configuration", () => {
  it('takes the three known keys and keeps any other JSON value', () => {
    const config = { ...CONFIG, region: 'eu', retries: [1, 2], nested: { on: true } };
    expect(agentConfigField.parse(config)).toEqual(config);
  });

  it('requires a model, and bounds it to 100 characters', () => {
    expect(problem(agentConfigField, { ...CONFIG, model: '  ' })).toBe('is required');
    expect(problem(agentConfigField, { ...CONFIG, model: 'm'.repeat(100) })).toBeNull();
    expect(problem(agentConfigField, { ...CONFIG, model: 'm'.repeat(101) })).not.toBeNull();
    expect(problem(agentConfigField, { ...CONFIG, model: 'a\u0000b' })).toBe(
      'must not contain NUL characters',
    );
  });

  it('takes max_tokens from 1 to 1,000,000, whole numbers only', () => {
    for (const ok of [1, 1_000_000]) {
      expect(problem(agentConfigField, { ...CONFIG, max_tokens: ok })).toBeNull();
    }
    for (const bad of [0, 1_000_001, 10.5]) {
      expect(problem(agentConfigField, { ...CONFIG, max_tokens: bad })).not.toBeNull();
    }
  });

  it('takes a temperature from 0 to 2', () => {
    for (const ok of [0, 2]) {
      expect(problem(agentConfigField, { ...CONFIG, temperature: ok })).toBeNull();
    }
    for (const bad of [-0.1, 2.1]) {
      expect(problem(agentConfigField, { ...CONFIG, temperature: bad })).not.toBeNull();
    }
  });

  it('holds at most 50 keys', () => {
    const keys = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(problem(agentConfigField, { ...CONFIG, ...keys(47) })).toBeNull();
    expect(problem(agentConfigField, { ...CONFIG, ...keys(48) })).toBe(
      'must have at most 50 settings',
    );
  });

  it('holds at most 16,384 bytes as JSON, counted in UTF-8', () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ ...CONFIG, pad: '' }).length;
      return { ...CONFIG, pad: 'x'.repeat(bytes - base) };
    };
    expect(problem(agentConfigField, sized(MAX_CONFIG_BYTES))).toBeNull();
    expect(problem(agentConfigField, sized(MAX_CONFIG_BYTES + 1))).toBe(
      'must be at most 16 KB in all',
    );
    // 'é' is one character but two bytes
    const accented = { ...CONFIG, pad: 'é'.repeat(MAX_CONFIG_BYTES / 2) };
    expect(problem(agentConfigField, accented)).toBe('must be at most 16 KB in all');
  });

  it('refuses a NUL character in any value, known key or not', () => {
    expect(problem(agentConfigField, { ...CONFIG, note: 'a\u0000b' })).toBe(
      'must not contain NUL characters',
    );
  });

  it('may leave the known keys out in a patch, still bounded', () => {
    expect(agentConfigPatchField.parse({ temperature: 1 })).toEqual({ temperature: 1 });
    expect(problem(agentConfigField, { temperature: 1 })).not.toBeNull();
    expect(problem(agentConfigPatchField, { note: 'a\u0000b' })).toBe(
      'must not contain NUL characters',
    );
  });
});

describe('list inputs', () => {
  const input = listInput(['name', 'createdAt']);

  it('default to the first page of 25', () => {
    expect(input.parse({})).toEqual({ page: 1, pageSize: 25 });
  });

  it('sort by a named column, ascending or descending, and by nothing else', () => {
    expect(input.parse({ sort: 'name' }).sort).toBe('name');
    expect(input.parse({ sort: '-createdAt' }).sort).toBe('-createdAt');
    expect(problem(input, { sort: 'password' })).not.toBeNull();
    expect(problem(input, { sort: '--name' })).not.toBeNull();
  });

  it('take pages from 1 to 1,000,000 and sizes from 1 to 200', () => {
    expect(problem(input, { page: 1_000_000, pageSize: MAX_PAGE_SIZE })).toBeNull();
    expect(problem(input, { page: 0 })).not.toBeNull();
    expect(problem(input, { page: 1_000_001 })).not.toBeNull();
    expect(problem(input, { page: 1.5 })).not.toBeNull();
    expect(problem(input, { pageSize: 0 })).not.toBeNull();
    expect(problem(input, { pageSize: MAX_PAGE_SIZE + 1 })).not.toBeNull();
    expect(problem(input, { pageSize: 2.5 })).not.toBeNull();
  });

  it('trim a search, bound it to 200 characters and refuse NUL', () => {
    expect(input.parse({ search: '  acme ' }).search).toBe('acme');
    expect(problem(input, { search: 'x'.repeat(200) })).toBeNull();
    expect(problem(input, { search: 'x'.repeat(201) })).not.toBeNull();
    expect(problem(input, { search: 'a\u0000' })).toBe('must not contain NUL characters');
  });

  it('refuse a field it does not know', () => {
    expect(problem(input, { filter: 'x' })).not.toBeNull();
  });
});

describe('audit filter fields', () => {
  it('take an action the audit log records, and say so otherwise', () => {
    expect(problem(auditActionField, 'auth.lockout')).toBeNull();
    expect(problem(auditActionField, 'auth.nothing')).toBe(
      'is not an action the audit log records',
    );
  });

  it('take a kind of record the audit log names, and say so otherwise', () => {
    expect(problem(auditTargetField, 'organization')).toBeNull();
    expect(problem(auditTargetField, 'planet')).toBe('is not a kind of record the audit log names');
  });

  it('take a moment with its offset from UTC', () => {
    expect(problem(instantField, '2026-01-02T03:04:05.678Z')).toBeNull();
    expect(problem(instantField, '2026-01-02T03:04:05+02:00')).toBeNull();
    expect(problem(instantField, 'yesterday')).toBe('must be a date and time');
  });
});
