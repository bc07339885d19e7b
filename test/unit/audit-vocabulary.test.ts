import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src-main/ipc/registry/index.ts';
import {
  AUDIT_TARGETS,
  auditActionLabel,
  auditTargetLabel,
} from '../../src-shared/domain/audit-vocabulary.ts';

/* Every action the audit log can hold is shown in words, never as a channel key. */

const audited = Object.entries(REGISTRY).filter(([, reg]) => reg.audit !== undefined);

describe('the audit vocabulary', () => {
  it.each(audited.map(([channel]) => [channel]))('names %s in words', (channel) => {
    const label = auditActionLabel(channel);
    expect(label).not.toBe(channel);
    expect(label).toMatch(/^[A-Z][a-z]/);
  });

  it('names the events that are not channels: sign-in, failures, lockouts, a restore', () => {
    expect(auditActionLabel('auth.signIn')).toBe('Signed in');
    expect(auditActionLabel('auth.lockout')).toBe('Locked out after failed sign-ins');
    expect(auditActionLabel('database.restore')).toBe('Restored the database');
  });

  it('names every kind of record an audited channel writes about', () => {
    for (const [, reg] of audited) {
      const kind = typeof reg.audit === 'object' ? reg.audit.operation : String(reg.audit);
      expect(Object.keys(AUDIT_TARGETS)).toContain(kind);
      expect(auditTargetLabel(kind)).not.toBe(kind);
    }
  });

  it('shows an action recorded by a newer console as it was recorded', () => {
    expect(auditActionLabel('workflows.run')).toBe('workflows.run');
  });

  it('names a kind of record in words, and one recorded by a newer console as it was recorded', () => {
    expect(auditTargetLabel('tenants')).toBe("Organizations' structure");
    expect(auditTargetLabel('workflow')).toBe('workflow');
  });
});
