import { describe, expect, it } from 'vitest';
import {
  BILLING_STATUSES,
  DEFAULT_BILLING_STATUS,
  DEFAULT_ROLE,
} from '../../src-shared/domain/enums.ts';
import { canServe } from '../../src-shared/domain/billing.ts';
import {
  ACCESS,
  ANONYMOUS_ACTOR,
  CAPABILITIES,
  can,
  decide,
  ENDING_BILLING_STATUSES,
  keepsAnAdmin,
  mayEver,
  scopeOf,
  setsSomeoneElsesPassword,
  SYSTEM_ACTOR,
  type AccessTable,
  type Actor,
} from '../../src-shared/domain/permissions.ts';
import type { Role } from '../../src-shared/domain/enums.ts';

/*
 * decide(), mayEver() and scopeOf() on the callers the matrix does not
 * exercise one by one: the system, a caller not signed in, and the
 * messages a refusal carries.
 */

const OWN = 'organization-own';
const OTHER = 'organization-other';
const user = (role: Role, id = 'caller'): Actor => ({
  kind: 'user',
  id,
  email: `${id}@x.test`,
  role,
  organizationId: OWN,
});
const NOBODY_MAY = (): AccessTable =>
  Object.fromEntries(
    CAPABILITIES.map((capability) => [
      capability,
      { admin: 'none', developer: 'none', user: 'none' },
    ]),
  ) as unknown as AccessTable;

describe('the system (seed, command line, start-up)', () => {
  it('may do everything, in any organization, whatever the table says', () => {
    expect(SYSTEM_ACTOR).toEqual({ kind: 'system' });
    for (const capability of CAPABILITIES) {
      expect(decide(SYSTEM_ACTOR, capability, { organizationId: OTHER }, NOBODY_MAY())).toEqual({
        allowed: true,
      });
      expect(mayEver(SYSTEM_ACTOR, capability, {}, NOBODY_MAY()).allowed).toBe(true);
    }
  });

  it('has its lists confined to no organization', () => {
    expect(scopeOf(SYSTEM_ACTOR, 'readAgents')).toBeNull();
  });
});

describe('a caller who is not signed in', () => {
  it('is asked to sign in for everything', () => {
    for (const capability of CAPABILITIES) {
      expect(decide(ANONYMOUS_ACTOR, capability)).toEqual({
        allowed: false,
        code: 'UNAUTHENTICATED',
        message: 'Sign in to continue',
      });
    }
  });

  it('may load the demo data while no account exists, and nothing else then', () => {
    expect(decide(ANONYMOUS_ACTOR, 'loadDemoData', { firstRun: true }).allowed).toBe(true);
    expect(decide(ANONYMOUS_ACTOR, 'loadDemoData', { firstRun: false }).allowed).toBe(false);
    const others = CAPABILITIES.filter((capability) => capability !== 'loadDemoData');
    expect(others.filter((c) => decide(ANONYMOUS_ACTOR, c, { firstRun: true }).allowed)).toEqual(
      [],
    );
  });

  it('has its lists confined to no organization (it reaches none)', () => {
    expect(scopeOf(ANONYMOUS_ACTOR, 'readAgents')).toBeNull();
  });
});

describe('a refusal', () => {
  it('says why, for every capability', () => {
    for (const capability of CAPABILITIES) {
      const refusal = decide(user('user'), capability, {}, NOBODY_MAY());
      expect(refusal).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
      expect(refusal.allowed ? '' : refusal.message).toMatch(/^[A-Z].{10,}$/);
    }
  });

  it('names what was not found in another organization, an organization unless told', () => {
    expect(decide(user('developer'), 'readAgents', { organizationId: OTHER })).toEqual({
      allowed: false,
      code: 'NOT_FOUND',
      message: 'Organization not found',
    });
    expect(
      decide(user('developer'), 'readUsers', { organizationId: OTHER, what: 'User' }),
    ).toMatchObject({ code: 'NOT_FOUND', message: 'User not found' });
  });

  it('of ending one’s own organization says so; without a target it says who may', () => {
    expect(decide(user('admin'), 'endOrganizations', { organizationId: OWN })).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      message: 'You cannot delete, suspend or cancel the organization you belong to',
    });
    expect(decide(user('admin'), 'endOrganizations', {})).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      message: 'Only administrators can do that',
    });
    expect(decide(user('admin'), 'endOrganizations', { organizationId: OTHER }).allowed).toBe(true);
  });
});

describe('can()', () => {
  it('answers as decide() does', () => {
    expect(can(user('admin'), 'manageUsers')).toBe(true);
    expect(can(user('developer'), 'manageUsers')).toBe(false);
    expect(can(user('developer'), 'readAgents', { organizationId: OTHER })).toBe(false);
    expect(can(user('developer'), 'readAgents', { organizationId: OWN })).toBe(true);
  });
});

describe('scopeOf()', () => {
  it('confines no list of a role granted every organization', () => {
    expect(scopeOf(user('admin'), 'readAgents')).toBeNull();
    expect(scopeOf(user('developer'), 'readAgents')).toBe(OWN);
  });
});

describe('the last administrator', () => {
  it('may not demote or delete themself while no other confirmed administrator exists', () => {
    expect(keepsAnAdmin(user('admin'), { userId: 'caller', role: 'admin' }, 0)).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      message: 'You are the last administrator; make someone else an administrator first',
    });
  });

  it('may once another confirmed administrator exists', () => {
    expect(keepsAnAdmin(user('admin'), { userId: 'caller', role: 'admin' }, 1).allowed).toBe(true);
  });

  it('may change someone else, and a non-administrator may change themself', () => {
    expect(keepsAnAdmin(user('admin'), { userId: 'someone', role: 'admin' }, 0).allowed).toBe(true);
    expect(keepsAnAdmin(user('user'), { userId: 'caller', role: 'user' }, 0).allowed).toBe(true);
  });

  it('is no concern of the system', () => {
    expect(keepsAnAdmin(SYSTEM_ACTOR, { userId: 'caller', role: 'admin' }, 0).allowed).toBe(true);
  });
});

describe('billing statuses', () => {
  it('that end an organization’s service are those in which it cannot serve', () => {
    expect([...ENDING_BILLING_STATUSES].sort()).toEqual(
      BILLING_STATUSES.filter((status) => !canServe(status)).sort(),
    );
  });
});

describe('defaults', () => {
  it('make a new account a user and a new organization a trial', () => {
    expect(DEFAULT_ROLE).toBe('user');
    expect(DEFAULT_BILLING_STATUS).toBe('trial');
    expect(ACCESS.manageUsers[DEFAULT_ROLE]).toBe('none');
  });
});

describe('setting a password with users.setPassword', () => {
  it('is for someone else’s: one’s own is changed with the current one', () => {
    expect(setsSomeoneElsesPassword(user('admin'), 'caller')).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      message: 'Change your own password with Change password (it asks for the current one)',
    });
    expect(setsSomeoneElsesPassword(user('admin'), 'someone').allowed).toBe(true);
    expect(setsSomeoneElsesPassword(SYSTEM_ACTOR, 'caller').allowed).toBe(true);
  });
});
