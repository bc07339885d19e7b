import { describe, expect, it } from 'vitest';
import {
  isValidSlug,
  slugProblem,
  suggestSlug,
  tenantSchemaName,
} from '../../src-shared/domain/slug.ts';

describe('organization slugs', () => {
  it.each(['demo', 'test-org', 'a1', 'acme-2-labs', 'x'.repeat(40)])('accepts %s', (slug) => {
    expect(isValidSlug(slug)).toBe(true);
  });

  it.each([
    ['a', 'too short'],
    ['x'.repeat(41), 'too long'],
    ['Demo', 'uppercase'],
    ['-demo', 'leading hyphen'],
    ['demo-', 'trailing hyphen'],
    ['de--mo', 'double hyphen'],
    ['de_mo', 'underscore'],
    ['x"; drop schema public; --', 'SQL'],
    ['dé-mo', 'non-ASCII letter'],
  ])('rejects %s (%s)', (slug) => {
    expect(isValidSlug(slug)).toBe(false);
  });

  it('explains what is wrong with a slug', () => {
    expect(slugProblem('a')).toMatch(/2-40 characters/);
    expect(slugProblem('Bad Slug')).toMatch(/lowercase letters, digits and single hyphens/);
  });

  it('suggests a valid slug from a display name', () => {
    expect(suggestSlug('Demo Company')).toBe('demo-company');
    expect(suggestSlug('  Ärger & Söhne GmbH ')).toBe('arger-sohne-gmbh');
    expect(isValidSlug(suggestSlug('Test   Org!!'))).toBe(true);
  });

  it('suggests at most 40 characters, without a hyphen left at the cut', () => {
    expect(suggestSlug(`${'a'.repeat(39)} b`)).toBe('a'.repeat(39));
    expect(suggestSlug('x'.repeat(50))).toBe('x'.repeat(40));
  });

  it('names the tenant schema org_<slug>', () => {
    expect(tenantSchemaName('test-org')).toBe('org_test-org');
  });
});
