/** "1 agent", "2 agents", "1 entry"/"3 entries" with `plural` given: counts read as words on both sides. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
