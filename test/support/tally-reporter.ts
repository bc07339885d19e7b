import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Reporter } from 'vitest/node';

const FILE = 'test-results/tally.ndjson';

const LABELS: Record<string, string> = {
  matrix: 'policy-matrix cases',
  'bad-input': 'bad-input cases',
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
    const parts = [...counts].map(([kind, n]) => `${n} ${LABELS[kind] ?? kind}`);
    process.stdout.write(`\nsummary: ${parts.join(', ')}\n`);
  }
}
