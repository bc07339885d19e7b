import { describe, expect, it } from 'vitest';
import {
  ACCESS,
  decide,
  scopeOf,
  type AccessTable,
  type Actor,
  type Capability,
  type Grant,
} from '../../src-shared/domain/permissions.ts';
import type { Role } from '../../src-shared/domain/enums.ts';

/*
 * What a grant of the access table means, whatever grants the table holds
 * today: each test gives one role one grant on a copy of the table.
 */

const OWN = 'organization-own';
const OTHER = 'organization-other';

const actor = (role: Role): Actor => ({
  kind: 'user',
  id: 'caller',
  email: 'caller@x.test',
  role,
  organizationId: OWN,
});

const granting = (capability: Capability, role: Role, grant: Grant): AccessTable => ({
  ...ACCESS,
  [capability]: { ...ACCESS[capability], [role]: grant },
});

describe('the access table', () => {
  it("keeps a role that sees every organization in its own under an 'own' grant", () => {
    const table = granting('readAgents', 'admin', 'own');
    expect(decide(actor('admin'), 'readAgents', { organizationId: OWN }, table).allowed).toBe(true);
    expect(decide(actor('admin'), 'readAgents', { organizationId: OTHER }, table)).toMatchObject({
      allowed: false,
      code: 'FORBIDDEN',
    });
    expect(scopeOf(actor('admin'), 'readAgents', table)).toBe(OWN);
  });

  it("confines the lists of a role that sees only its own organization, even under an 'all' grant", () => {
    const table = granting('readUsers', 'developer', 'all');
    expect(decide(actor('developer'), 'readUsers', { organizationId: OTHER }, table)).toMatchObject(
      { allowed: false, code: 'NOT_FOUND' },
    );
    expect(scopeOf(actor('developer'), 'readUsers', table)).toBe(OWN);
  });
});
