import { describe, expect, it } from 'vitest';
import type { FleetChange, FleetEvent } from '../../src-shared/channels.ts';
import {
  changeEvent,
  mayHear,
  MAX_CHANGE_PAYLOAD,
  parseChange,
} from '../../src-shared/domain/events.ts';
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, type Actor } from '../../src-shared/domain/permissions.ts';
import type { Role } from '../../src-shared/domain/enums.ts';

const OWN = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const user = (role: Role): Actor => ({
  kind: 'user',
  id: '33333333-3333-4333-8333-333333333333',
  email: 'someone@example.test',
  role,
  organizationId: OWN,
});
const ROLES: Role[] = ['admin', 'developer', 'user'];

const change: FleetChange = {
  kind: 'agent',
  id: '44444444-4444-4444-8444-444444444444',
  organizationId: OWN,
  version: 3,
  action: 'agents.update',
};

describe('a change notification read from the database', () => {
  it('becomes the change it describes when every field checks out', () => {
    expect(parseChange(JSON.stringify(change))).toEqual(change);
  });

  it.each([
    ['a type of its own', { ...change, type: 'startup-failed' }],
    ['an unknown kind', { ...change, kind: 'marker' }],
    ['an id that is not a uuid', { ...change, id: '1; drop table users' }],
    ['an organization that is not a uuid', { ...change, organizationId: 'demo' }],
    ['a version that is not a whole number', { ...change, version: 1.5 }],
    ['a version as text', { ...change, version: '3' }],
    ['a negative version', { ...change, version: -1 }],
    ['an unknown action', { ...change, action: 'agents.nuke' }],
    ['an extra field', { ...change, message: 'hello' }],
    ["a tenant's record without its organization", { ...change, organizationId: null }],
    ['an array', [change]],
    [
      'a prototype key',
      JSON.parse(`{"__proto__": {"type": "x"}, ${JSON.stringify(change).slice(1)}`),
    ],
  ])('is dropped when it has %s', (_what, payload) => {
    expect(parseChange(JSON.stringify(payload))).toBeNull();
  });

  it('is dropped when it is not JSON', () => {
    expect(parseChange('{"kind":')).toBeNull();
  });

  it('is dropped when it is longer than a change can be, even if well-formed', () => {
    const padded = JSON.stringify(change) + ' '.repeat(MAX_CHANGE_PAYLOAD);
    expect(parseChange(padded)).toBeNull();
  });

  it('is kept when it is exactly as long as a change can be', () => {
    const json = JSON.stringify(change);
    const padded = json + ' '.repeat(MAX_CHANGE_PAYLOAD - json.length);
    expect(padded).toHaveLength(MAX_CHANGE_PAYLOAD);
    expect(parseChange(padded)).toEqual(change);
  });

  it.each(['tenancy', 'demo'] as const)('keeps a %s change without an organization', (kind) => {
    const fleetWide: FleetChange = { ...change, kind, id: null, organizationId: null };
    expect(parseChange(JSON.stringify(fleetWide))).toEqual(fleetWide);
  });

  it('becomes a change event carrying its fields and nothing else', () => {
    const extra = { ...change, note: 'dropped' } as FleetChange;
    expect(changeEvent(extra)).toEqual({ type: 'change', ...change });
  });

  it('keeps a change of the skill catalog without an organization', () => {
    const skill: FleetChange = {
      ...change,
      kind: 'skill',
      organizationId: null,
      action: 'skills.update',
    };
    expect(parseChange(JSON.stringify(skill))).toEqual(skill);
  });
});

describe('who hears an event', () => {
  const event = (over: Partial<FleetChange> = {}): FleetEvent => ({
    type: 'change',
    ...change,
    ...over,
  });

  it.each(ROLES)("sends a change in the %s's own organization to them", (role) => {
    expect(mayHear(user(role), event())).toBe(true);
  });

  it.each([
    ['admin', true],
    ['developer', false],
    ['user', false],
  ] as const)('sends a change in another organization to an %s: %s', (role, heard) => {
    expect(mayHear(user(role), event({ organizationId: OTHER }))).toBe(heard);
  });

  it.each([
    ['admin', true],
    ['developer', false],
    ['user', false],
  ] as const)('sends a change without an organization to an %s: %s', (role, heard) => {
    expect(mayHear(user(role), event({ kind: 'skill', organizationId: null }))).toBe(heard);
  });

  it.each([
    ['admin', true],
    ['developer', false],
    ['user', false],
  ] as const)("sends an organization's deletion, even one's own, to an %s: %s", (role, heard) => {
    const deletion = event({ kind: 'organization', id: OWN, action: 'organizations.delete' });
    expect(mayHear(user(role), deletion)).toBe(heard);
  });

  it.each([
    [
      'migration-progress',
      { type: 'migration-progress', done: 1, total: 1, slug: 'x', failed: false },
    ],
    [
      'transfer-progress',
      {
        type: 'transfer-progress',
        phase: 'copying',
        tenantsDone: 0,
        tenantsTotal: 1,
        rows: 0,
        elapsedMs: 0,
      },
    ],
  ] as const)('sends %s to administrators only', (_type, progress) => {
    expect(ROLES.map((role) => mayHear(user(role), progress))).toEqual([true, false, false]);
    expect(mayHear(ANONYMOUS_ACTOR, progress)).toBe(false);
  });

  it('sends nothing but start-up news to a window nobody signed in to', () => {
    expect(mayHear(ANONYMOUS_ACTOR, event())).toBe(false);
    expect(mayHear(ANONYMOUS_ACTOR, { type: 'reconnected' })).toBe(false);
    expect(mayHear(ANONYMOUS_ACTOR, { type: 'startup-progress', done: 0, total: 3 })).toBe(true);
    expect(mayHear(ANONYMOUS_ACTOR, { type: 'startup-failed', message: 'no database' })).toBe(true);
  });

  it.each(ROLES)('tells a signed-in %s that the change stream is back', (role) => {
    expect(mayHear(user(role), { type: 'reconnected' })).toBe(true);
  });

  it('sends no progress to a window that is not a signed-in user', () => {
    expect(
      mayHear(SYSTEM_ACTOR, {
        type: 'migration-progress',
        done: 1,
        total: 1,
        slug: 'x',
        failed: false,
      }),
    ).toBe(false);
    expect(
      mayHear(SYSTEM_ACTOR, {
        type: 'transfer-progress',
        phase: 'copying',
        tenantsDone: 0,
        tenantsTotal: 1,
        rows: 0,
        elapsedMs: 0,
      }),
    ).toBe(false);
  });

  it('sends a change to no window that is not a signed-in user', () => {
    expect(mayHear(SYSTEM_ACTOR, event())).toBe(false);
  });

  it('sends an event of an unknown type to nobody', () => {
    const unknown = { type: 'announcement', message: 'hi' } as unknown as FleetEvent;
    for (const role of ROLES) expect(mayHear(user(role), unknown)).toBe(false);
  });
});
