import { describe, expect, it } from 'vitest';
import {
  agentRoomRefusal,
  decideTransition,
  maintenanceRefusal,
  NEAR_AGENT_LIMIT_PERCENT,
  refusalError,
  skillTierRefusal,
  tierChangeRefusal,
} from '../../src-shared/domain/limits.ts';
import { AppError } from '../../src-shared/errors.ts';

/* The rules that refuse an action before it is tried, as both sides read them. */

describe('the shared limits', () => {
  const org = { name: 'Acme', tier: 'free', agentCount: 3, agentLimit: 3 } as const;

  it('leaves room for an agent below the limit and none at it', () => {
    expect(agentRoomRefusal({ ...org, agentCount: 2 })).toBeNull();
    expect(agentRoomRefusal(org)).toMatchObject({ code: 'LIMIT_REACHED' });
  });

  it('refuses one agent more without counting what was wanted, and says how to make room', () => {
    expect(agentRoomRefusal(org)).toEqual({
      code: 'LIMIT_REACHED',
      reason: 'Acme already has 3 of 3 agents allowed on the Free tier',
      wayForward: 'Upgrade the tier or delete an agent first',
    });
  });

  it('names how many were wanted and how many fit when several are added', () => {
    expect(agentRoomRefusal({ ...org, agentCount: 1 }, 4)?.reason).toBe(
      'Acme already has 1 of 3 agents allowed on the Free tier (4 wanted, room for 2)',
    );
  });

  it('refuses a tier that allows fewer agents than the organization has, and says how many to delete', () => {
    expect(tierChangeRefusal({ name: 'Acme', agentCount: 4 }, 'free')).toEqual({
      code: 'LIMIT_REACHED',
      reason: 'Acme has 4 agents; the Free tier allows 3',
      wayForward: 'Delete 1 agent first',
    });
    expect(tierChangeRefusal({ name: 'Acme', agentCount: 3 }, 'free')).toBeNull();
  });

  it('refuses a skill above the tier, and says which tier to upgrade to', () => {
    const planner = { name: 'Planner', tierRequired: 'enterprise' } as const;
    expect(skillTierRefusal({ name: 'Acme', tier: 'pro' }, planner)).toEqual({
      code: 'LIMIT_REACHED',
      reason: 'Planner needs the Enterprise tier; Acme is on Pro',
      wayForward: 'Upgrade to Enterprise',
    });
    expect(skillTierRefusal({ name: 'Acme', tier: 'enterprise' }, planner)).toBeNull();
  });

  it('refuses a serving step in a suspended organization before asking the machine', () => {
    const decision = decideTransition(
      { name: 'Acme', billingStatus: 'suspended' },
      'draft',
      'deploy',
    );
    expect(decision.refusal).toEqual({
      code: 'FORBIDDEN',
      reason: 'Acme is suspended: its agents cannot deploy until billing is active again',
      wayForward: 'Make the billing status active',
    });
    expect(
      decideTransition({ name: 'Acme', billingStatus: 'suspended' }, 'active', 'pause'),
    ).toEqual({
      to: 'paused',
      refusal: null,
    });
  });

  it('refuses a step the machine does not accept, naming the allowed ones', () => {
    expect(
      decideTransition({ name: 'Acme', billingStatus: 'active' }, 'draft', 'pause').refusal,
    ).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'An agent that is draft cannot pause; allowed: deploy',
      wayForward: 'Reload to see its current status',
    });
    expect(
      decideTransition({ name: 'Acme', billingStatus: 'active' }, 'active', 'resume').refusal
        ?.reason,
    ).toBe('An agent that is active cannot resume; allowed: pause, fail');
  });
});

describe('maintenance', () => {
  it('refuses nothing in a tenant that is not in maintenance', () => {
    expect(maintenanceRefusal({ maintenance: null })).toBeNull();
  });

  it('says why a tenant is in maintenance, and that an operation’s ends by itself', () => {
    expect(
      maintenanceRefusal({ maintenance: { reason: 'being renamed', byOperation: true } }),
    ).toEqual({
      code: 'MAINTENANCE',
      reason: 'In maintenance: being renamed',
      wayForward: 'Try again once the operation ends',
    });
  });

  it('says that an administrator’s maintenance is ended by hand', () => {
    expect(
      maintenanceRefusal({ maintenance: { reason: 'restoring', byOperation: false } })?.wayForward,
    ).toBe('End the maintenance first');
  });
});

describe('a refusal thrown', () => {
  it('says the reason, then the way forward, with its code and the fields it names', () => {
    const error = refusalError(
      { code: 'LIMIT_REACHED', reason: 'Acme is full', wayForward: 'Upgrade the tier' },
      { name: 'is taken' },
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error.toShape()).toEqual({
      code: 'LIMIT_REACHED',
      message: 'Acme is full. Upgrade the tier.',
      fields: { name: 'is taken' },
    });
  });
});

describe('near the agent limit', () => {
  it('is said as the share the rule counts from', () => {
    expect(NEAR_AGENT_LIMIT_PERCENT).toBe('80 %');
  });
});
