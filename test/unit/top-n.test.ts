import { describe, expect, it } from 'vitest';
import { axisLabel, topWithRest } from '../../src-renderer/components/top-n.ts';

/* A chart of named values: the largest few, each labelled, and the rest summed into one bar. */

const agents = (values: number[]) => values.map((value, i) => ({ name: `Agent ${i + 1}`, value }));

describe('top N and the rest', () => {
  it('keeps every value when there are no more than N', () => {
    const rows = topWithRest(agents([5, 9]), { total: 14, count: 2 }, 8, { singular: 'agent' });
    expect(rows.map((r) => r.name)).toEqual(['Agent 2', 'Agent 1']);
  });

  it('sums what is past the N largest into one bar that says how many it holds', () => {
    const rows = topWithRest(agents([1, 50, 7, 30]), { total: 88, count: 4 }, 2, {
      singular: 'agent',
    });
    expect(rows).toEqual([
      { name: 'Agent 2', value: 50 },
      { name: 'Agent 4', value: 30 },
      { name: '2 other agents', value: 8 },
    ]);
  });

  it('counts the agents the answer did not list among the rest', () => {
    // the server lists the 12 largest of 40 agents
    const rows = topWithRest(agents(Array(12).fill(10)), { total: 400, count: 40 }, 8, {
      singular: 'agent',
    });
    expect(rows.at(-1)).toEqual({ name: '32 other agents', value: 320 });
  });

  it('says "1 other agent" for one', () => {
    const rows = topWithRest(agents([3, 2]), { total: 5, count: 2 }, 1, { singular: 'agent' });
    expect(rows.at(-1)?.name).toBe('1 other agent');
  });

  it('cuts a long axis label with an ellipsis', () => {
    expect(axisLabel('A very long agent name that will not fit', 12)).toBe('A very long…');
    expect(axisLabel('Short')).toBe('Short');
  });
});
