import type { ItemKind, Structure, StructureItem } from './catalog.ts';

/*
 * What differs between the structure a tenant's level should produce and
 * the one its schema has, in the words an operator reads: "agents.config:
 * missing column", "index agents_name_trgm_idx: missing". What follows from
 * another difference is not said again: a missing table's columns, a missing
 * column's default.
 */

const RELATIONS: ReadonlySet<ItemKind> = new Set(['table', 'view', 'sequence']);
/** Items named `relation.member`, which go with their relation. */
const MEMBERS: ReadonlySet<ItemKind> = new Set(['column', 'default', 'constraint', 'trigger']);

/** The relation a member item belongs to (`agents` of `agents.config`). */
export const relationOf = (item: StructureItem) => item.name.slice(0, item.name.indexOf('.'));

function missing(item: StructureItem): string {
  switch (item.kind) {
    case 'column':
      return `${item.name}: missing column`;
    case 'default':
      return `${item.name}: missing default ${item.detail}`;
    default:
      return `${item.kind} ${item.name}: missing`;
  }
}

function unexpected(item: StructureItem): string {
  switch (item.kind) {
    case 'column':
      return `${item.name}: column not expected (${item.detail})`;
    case 'default':
      return `${item.name}: default not expected (${item.detail})`;
    default:
      return `${item.kind} ${item.name}: not expected`;
  }
}

function changed(expected: StructureItem, actual: StructureItem): string {
  switch (expected.kind) {
    case 'column':
      return `${expected.name}: ${actual.detail}, expected ${expected.detail}`;
    case 'default':
      return `${expected.name}: default ${actual.detail}, expected ${expected.detail}`;
    default:
      return `${expected.kind} ${expected.name}: differs (${actual.detail}, expected ${expected.detail})`;
  }
}

/** Relations (and columns) present on one side only: their members are not listed again. */
function wholesale(from: Structure, other: Structure): Set<string> {
  const gone = new Set<string>();
  for (const [key, item] of from)
    if ((RELATIONS.has(item.kind) || item.kind === 'column') && !other.has(key))
      gone.add(item.kind === 'column' ? item.name : `${item.name}.`);
  return gone;
}

const coveredBy = (gone: Set<string>, item: StructureItem) =>
  (MEMBERS.has(item.kind) && gone.has(`${relationOf(item)}.`)) ||
  (item.kind === 'default' && gone.has(item.name));

export function describeDifferences(expected: Structure, actual: Structure): string[] {
  const lacking = wholesale(expected, actual);
  const extra = wholesale(actual, expected);
  const words: string[] = [];
  for (const [key, item] of expected) {
    const found = actual.get(key);
    if (!found) {
      if (!coveredBy(lacking, item)) words.push(missing(item));
    } else if (found.detail !== item.detail) words.push(changed(item, found));
  }
  for (const [key, item] of actual)
    if (!expected.has(key) && !coveredBy(extra, item)) words.push(unexpected(item));
  return words;
}
