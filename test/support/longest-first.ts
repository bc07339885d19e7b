import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first, as measured in a whole CI run
 * (2026-12-06, `.ci/run`'s JSON reports, seconds on the embedded and the
 * PostgreSQL 15 leg). Vitest orders files by the durations of earlier runs
 * on the same machine, and by size on a fresh clone, which is every CI run:
 * there the slowest files started late (embedded-home.test at 125 s of a
 * 365 s run) and the three workers finished 110 s apart. Started first, they
 * leave the many short files to fill the gaps. A file missing from the list
 * only runs in vitest's own order; a list gone stale costs time, never a test.
 */
const LONGEST = [
  'test/integration/embedded-home.test.ts', // 79, 91
  'test/integration/fuzz.test.ts', // 70, 76
  'test/integration/embedded-template.test.ts', // 42, 43
  'test/integration/transfer.test.ts', // 28, 48
  'test/integration/policy-matrix.test.ts', // 34, 38
  'test/integration/sign-in.test.ts', // 39, 35
  'test/integration/database-urls.test.ts', // 26, 43
  'test/integration/copy-into.test.ts', // 16, 20
  'test/integration/transfer-locks.test.ts', // 20, 28
  'test/integration/embedded-bootstrap.test.ts', // 25, 25
  'test/integration/database-audit.test.ts', // 23, 21
  'test/integration/second-factor.test.ts', // 25, 18
  'test/integration/faults.test.ts', // 14, 24
  'test/integration/unlock.test.ts', // 16, 22
  'test/integration/bad-input.test.ts', // 20, 17
  'test/integration/tenant-import.test.ts', // 18, 11
  'test/integration/step-up.test.ts', // 18, 16
  'test/integration/transfer-kill.test.ts', // 9, 17
  'test/unit/walls.test.ts', // 15, 10
  'test/integration/headless-cli.test.ts', // 14, 10
  'test/integration/tenant-transfer.test.ts', // 6, 14
  'test/integration/secrets.test.ts', // 9, 14
];

const rank = (spec: TestSpecification): number => {
  const index = LONGEST.findIndex((file) => spec.moduleId.endsWith(file));
  return index === -1 ? LONGEST.length : index;
};

export default class LongestFirst extends BaseSequencer {
  override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
    // Array.prototype.sort is stable: the rest keep vitest's order
    return [...(await super.sort(specs))].sort((a, b) => rank(a) - rank(b));
  }
}
