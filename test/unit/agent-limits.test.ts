import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentLimitSql } from '../../src-main/services/agent-limits.ts';

/* How full an agent limit is, in the SQL the Fleet overview runs. */

describe('the agent limit in SQL', () => {
  it('counts an organization near its limit from 80 % of it, at it from all of it, and never at a limit of 0', () => {
    expect(agentLimitSql('near')).toBe(
      'agent_limit > 0 and agent_count >= ceil(agent_limit * 0.8)',
    );
    expect(agentLimitSql('reached')).toBe('agent_limit > 0 and agent_count >= agent_limit');
  });

  it('is what bench B8 runs as the raw SQL it compares the overview with', () => {
    const bench = readFileSync('bench/bench.ts', 'utf8');
    expect(bench).toContain(`count(*) filter (where ${agentLimitSql('near')})`);
    expect(bench).toContain(`count(*) filter (where ${agentLimitSql('reached')})`);
    expect(bench).toContain(`from organizations where ${agentLimitSql('near')} order by`);
  });
});
