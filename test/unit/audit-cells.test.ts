import { describe, expect, it } from 'vitest';
import {
  actorHref,
  changeRows,
  fieldLabel,
  targetHref,
  targetText,
  valueText,
} from '../../src-renderer/features/audit/audit-cells.ts';

/* What an audit row says: names instead of ids, words instead of JSON, and where each name leads. */

const ORG = '0b6c4c1e-9f0a-4b7e-8a51-3f1e2d9c7a10';
const AGENT = '7d3e1c2b-1111-4b7e-8a51-3f1e2d9c7a10';
const target = (over: Partial<Parameters<typeof targetText>[0]>) => ({
  targetType: 'agent',
  targetId: AGENT,
  targetLabel: 'Support Triage Bot',
  targetExists: true,
  organizationId: ORG,
  ...over,
});

describe('an audit row’s target', () => {
  it('is named, not shown as an id', () => {
    expect(targetText(target({}))).toBe('Support Triage Bot');
  });

  it('known by id only, says what kind of record is gone instead of showing the id', () => {
    expect(targetText(target({ targetLabel: null, targetExists: false }))).toBe(
      'agent no longer there',
    );
  });

  it('shows a database and a file whole', () => {
    const url = 'postgres://app:•••@db.example:5432/fleet';
    expect(targetText(target({ targetType: 'database', targetId: url, targetLabel: null }))).toBe(
      url,
    );
  });

  it('leads to the agent’s page within its organization', () => {
    expect(targetHref(target({}))).toBe(`/agents/${ORG}/${AGENT}`);
  });

  it('leads to the organization’s page', () => {
    expect(targetHref(target({ targetType: 'organization', targetId: ORG }))).toBe(
      `/organizations/${ORG}`,
    );
  });

  it('leads to the Users list of its organization, searched for the user', () => {
    expect(targetHref(target({ targetType: 'user', targetLabel: 'dev@acme.test' }))).toBe(
      `/users?org=${ORG}&q=dev%40acme.test`,
    );
  });

  it('leads nowhere once it is gone', () => {
    expect(targetHref(target({ targetExists: false }))).toBeNull();
  });
});

describe('an audit row’s actor', () => {
  it('leads to the Users list searched for them', () => {
    expect(actorHref({ actorLabel: 'admin@acme.test', actorExists: true })).toBe(
      '/users?q=admin%40acme.test',
    );
  });

  it('leads nowhere for the command line or a deleted user', () => {
    expect(actorHref({ actorLabel: 'command line', actorExists: false })).toBeNull();
  });
});

describe('an audit row’s changes', () => {
  it('label each field in words', () => {
    expect(fieldLabel('billingStatus')).toBe('Billing status');
    expect(fieldLabel('maxConcurrentRequests')).toBe('Concurrent requests');
    expect(fieldLabel('someNewField')).toBe('Some new field');
  });

  it('show a change as its value before and after', () => {
    expect(changeRows({ description: { from: 'Old', to: 'New' } })).toEqual([
      { field: 'Description', before: 'Old', after: 'New' },
    ]);
  });

  it('name tiers, roles and tools as the screens do, and a limit without one as Unlimited', () => {
    expect(
      changeRows({
        tier: { from: 'free', to: 'enterprise' },
        role: { from: 'user', to: 'admin' },
        agentLimit: { from: 3, to: 999 },
        tools: { from: [], to: ['web_search', 'send_sms'] },
      }),
    ).toEqual([
      { field: 'Tier', before: 'Free', after: 'Enterprise' },
      { field: 'Role', before: 'User', after: 'Administrator' },
      { field: 'Agent limit', before: '3', after: 'Unlimited' },
      { field: 'Tools', before: 'none', after: 'Web search, Send SMS' },
    ]);
  });

  it('show a value recorded as it was (a creation, an outcome) alone', () => {
    expect(changeRows({ outcome: { to: 'failed' } as never })).toEqual([
      { field: 'Outcome', before: null, after: 'failed' },
    ]);
  });

  it('say "none" where a value was empty, never ∅ or null', () => {
    expect(changeRows({ description: { from: null, to: 'Triage' } })).toEqual([
      { field: 'Description', before: 'none', after: 'Triage' },
    ]);
  });

  it('never show a secret, only that it changed', () => {
    expect(changeRows({ password: { from: '[redacted]', to: '[redacted]' } })).toEqual([
      { field: 'Password', before: null, after: 'changed (not recorded)' },
    ]);
  });

  it('write objects, lists, numbers and yes/no in words instead of JSON', () => {
    expect(valueText({ model: 'claude-sonnet', max_tokens: 4096 })).toBe(
      'Model claude-sonnet, Max tokens 4,096',
    );
    expect(valueText(['search', 'summarize'])).toBe('search, summarize');
    expect(valueText(true)).toBe('yes');
    expect(valueText([])).toBe('none');
  });

  it('write a moment in the one time format of the console', () => {
    expect(valueText('2026-12-05T09:04:05.000Z')).toMatch(/^\d{1,2} Dec 2026, \d{2}:\d{2}:05$/);
  });
});
