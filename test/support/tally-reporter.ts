import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Reporter } from 'vitest/node';

const FILE = 'test-results/tally.ndjson';

const LABELS: Record<string, string> = {
  matrix: 'policy-matrix cases',
  'bad-input': 'bad-input cases',
  fault: 'faults injected and survived',
  concurrency: 'concurrent scenarios',
  fuzz: 'fuzzed inputs tried',
};

/** Prints, after the run, how many generated cases each kind ran (counted by test/support/tally.ts). */
export default class TallyReporter implements Reporter {
  onInit(): void {
    rmSync(FILE, { force: true });
  }

  onTestRunEnd(): void {
    if (!existsSync(FILE)) return;
    const counts = new Map<string, number>();
    for (const line of readFileSync(FILE, 'utf8').split('\n')) {
      if (!line) continue;
      const { kind } = JSON.parse(line) as { kind: string };
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const wronglyAccepted = counts.get('fuzz-wrongly-accepted') ?? 0;
    counts.delete('fuzz-wrongly-accepted');
    if (counts.has('fuzz')) counts.set('fuzz', (counts.get('fuzz') ?? 0) + wronglyAccepted);
    const parts = [...counts].map(([kind, n]) => `${n} ${LABELS[kind] ?? kind}`);
    if (counts.has('fuzz')) parts.push(`${wronglyAccepted} fuzzed inputs wrongly accepted`);
    process.stdout.write(`\nsummary: ${parts.join(', ')}\n`);
  }
}
