/*
 * A number with its noun, singular or plural as English needs: "1 agent",
 * "0 agents", "1,204 executions". Used by screens and by messages built
 * in services alike.
 */

/** The noun in the plural, when adding "s" is not it ("entry" -> "entries"). */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
