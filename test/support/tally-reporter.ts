import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Reporter } from 'vitest/node';

const FILE = 'test-results/tally.ndjson';

const LABELS: Record<string, string> = {
  matrix: 'policy-matrix cases',
  'bad-input': 'bad-input cases',
  fault: 'distinct faults injected and survived',
  concurrency: 'concurrent scenarios',
};

/**
 * Prints, after the run, how many generated cases of each kind held
 * (counted by test/support/tally.ts after their assertions); docs/testing.md
 * says what each figure means and what it does not.
 */
export default class TallyReporter implements Reporter {
  onInit(): void {
    rmSync(FILE, { force: true });
  }

  onTestRunEnd(): void {
    if (!existsSync(FILE)) return;
    const counts = new Map<string, number>();
    const names = new Map<string, Set<string>>();
    for (const line of readFileSync(FILE, 'utf8').split('\n')) {
      if (!line) continue;
      const { kind, name } = JSON.parse(line) as { kind: string; name?: string };
      if (name === undefined) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      else names.set(kind, (names.get(kind) ?? new Set()).add(name));
    }
    for (const [kind, distinct] of names) if (kind !== 'fuzz-seed') counts.set(kind, distinct.size);
    const mustRefuse = counts.get('fuzz-must-refuse') ?? 0;
    const mayPass = counts.get('fuzz-may-pass') ?? 0;
    counts.delete('fuzz-must-refuse');
    counts.delete('fuzz-may-pass');
    const parts = [...counts].map(([kind, n]) => `${n} ${LABELS[kind] ?? kind}`);
    if (mustRefuse + mayPass > 0) {
      const seeds = [...(names.get('fuzz-seed') ?? [])].join(', ');
      parts.push(
        `${mustRefuse + mayPass} fuzzed inputs judged (${mustRefuse} refused with VALIDATION as they had to be, ${mayPass} allowed to pass and never INTERNAL; seed ${seeds})`,
      );
    }
    process.stdout.write(`\nsummary: ${parts.join(', ')}\n`);
  }
}
