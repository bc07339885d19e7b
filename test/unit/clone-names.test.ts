import { describe, expect, it } from 'vitest';
import { cloneEmail, cloneName } from '../../src-main/db/transfer/tenant-import.ts';

/* What a clone of an organization (tenant-import.ts) calls it and its users. */

describe("a clone's names", () => {
  it('makes an email unique as local+slug@domain, at the last @', () => {
    expect(cloneEmail('Dev.Person@Acme-Co.test', 'acme-clone')).toBe(
      'Dev.Person+acme-clone@Acme-Co.test',
    );
    expect(cloneEmail('"a@b"@acme.test', 'x-1')).toBe('"a@b"+x-1@acme.test');
  });

  it('names the organization "<name> (clone <slug>)"', () => {
    expect(cloneName('Acme Co', 'acme-clone')).toBe('Acme Co (clone acme-clone)');
  });

  it('cuts a long name so that the whole stays within 200 characters, the suffix kept', () => {
    const name = cloneName('n'.repeat(200), 'acme-clone');
    expect(name).toHaveLength(200);
    expect(name).toBe(`${'n'.repeat(200 - ' (clone acme-clone)'.length)} (clone acme-clone)`);
    expect(cloneName('n'.repeat(181), 'acme-clone')).toHaveLength(200);
  });
});
