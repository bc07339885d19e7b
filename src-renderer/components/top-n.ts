import { counted } from '../../src-shared/plural.ts';

/*
 * A bar chart of named values that stays readable: at most `n` bars, the
 * largest, each with its label, and the rest summed into one bar that says
 * how many it holds.
 */

export interface NamedValue {
  name: string;
  value: number;
}

/**
 * The `n` largest values, then "k other agents" for the rest when there is
 * a rest: `total` and `count` are the whole set's sum and size, of which
 * `values` may be only the largest.
 */
export function topWithRest(
  values: readonly NamedValue[],
  whole: { total: number; count: number },
  n: number,
  noun: { singular: string; plural?: string },
): NamedValue[] {
  const top = [...values].sort((a, b) => b.value - a.value).slice(0, n);
  const shown = top.reduce((sum, v) => sum + v.value, 0);
  const others = whole.count - top.length;
  if (others <= 0) return top;
  const label = counted(
    others,
    `other ${noun.singular}`,
    `other ${noun.plural ?? `${noun.singular}s`}`,
  );
  return [...top, { name: label, value: Math.max(0, whole.total - shown) }];
}

/** A long label cut for an axis; the chart's tooltip shows it whole. */
export function axisLabel(text: string, max = 22): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
