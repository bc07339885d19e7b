/*
 * What the Audit screen writes in a row's Target and Changes cells. An
 * audit row's target is a record (by id) or, for database work, a database
 * (its URL, password already masked) or a file.
 */

const show = (value: unknown) =>
  value === null || value === undefined
    ? '∅'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** A record's kind and id, shortened; a database or a file whole. */
export function targetText(targetType: string, targetId: string | null): string {
  if (targetId === null) return targetType;
  const whole = targetType === 'database' || targetType === 'file';
  return `${targetType} ${whole ? targetId : targetId.slice(0, 8)}`;
}

/** A change as "from → to"; a value recorded as it was (a creation, an operation's outcome, its counts) alone. */
export function changeText(change: { from?: unknown; to: unknown }): string {
  return change.from === undefined ? show(change.to) : `${show(change.from)} → ${show(change.to)}`;
}
