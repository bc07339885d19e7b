import { describe, expect, it } from 'vitest';
import { tierAllows, tierLimits } from '../../src-shared/domain/tiers.ts';

describe('tier limits', () => {
  it('free allows 100,000 tokens, 3 agents and no workflows', () => {
    expect(tierLimits('free')).toEqual({
      monthlyTokenLimit: 100_000,
      agentLimit: 3,
      workflowLimit: 0,
    });
  });

  it('pro allows 1,000,000 tokens, 999 agents and 10 workflows', () => {
    expect(tierLimits('pro')).toEqual({
      monthlyTokenLimit: 1_000_000,
      agentLimit: 999,
      workflowLimit: 10,
    });
  });

  it('enterprise allows 999,999,999 tokens, 999 agents and 999 workflows', () => {
    expect(tierLimits('enterprise')).toEqual({
      monthlyTokenLimit: 999_999_999,
      agentLimit: 999,
      workflowLimit: 999,
    });
  });

  it('hands out copies that callers cannot use to change the table', () => {
    const limits = tierLimits('free');
    limits.agentLimit = 1000;
    expect(tierLimits('free').agentLimit).toBe(3);
  });

  it('orders tiers so that a higher tier includes what a lower one requires', () => {
    expect(tierAllows('pro', 'free')).toBe(true);
    expect(tierAllows('pro', 'pro')).toBe(true);
    expect(tierAllows('free', 'pro')).toBe(false);
    expect(tierAllows('enterprise', 'pro')).toBe(true);
  });
});
