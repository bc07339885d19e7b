import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The test files a mutation run (StrykerJS, npm run test:mutation) may
 * start for one module: those that can kill its mutants, and no slower
 * ones. Stryker runs them one at a time (maxWorkers 1) in a sandbox copy of
 * the repository, for each mutant only those that covered it, and stops at
 * the first failure. So they run in the order given: unit files first (a
 * static mutant runs every file, and a unit test mostly kills it in
 * milliseconds), then the integration files, quickest and broadest first.
 */

export interface MutationTests {
  /** Test files of test/unit (node). */
  unit?: string[];
  /** Test files of test/integration (node, a PostgreSQL server from global-setup). */
  integration?: string[];
}

function inOrder(files: readonly string[]) {
  const rank = (spec: TestSpecification) => {
    const index = files.findIndex((file) => spec.moduleId.endsWith(file));
    return index === -1 ? files.length : index;
  };
  return class GivenOrder extends BaseSequencer {
    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      return [...specs].sort((a, b) => rank(a) - rank(b));
    }
  };
}

export function mutationConfig({ unit = [], integration = [] }: MutationTests) {
  return defineConfig({
    test: {
      reporters: ['dot'],
      sequence: { sequencer: inOrder([...unit, ...integration]) },
      projects: [
        ...(unit.length > 0
          ? [
              {
                test: {
                  name: 'unit',
                  include: unit,
                  environment: 'node' as const,
                  sequence: { groupOrder: 0 },
                },
              },
            ]
          : []),
        ...(integration.length > 0
          ? [
              {
                test: {
                  name: 'integration',
                  include: integration,
                  environment: 'node' as const,
                  sequence: { groupOrder: 1 },
                  globalSetup: ['test/support/global-setup.ts'],
                  // each test makes the world it reads (test/support/shared-world.ts says why)
                  env: { FLEETPROMPT_WORLD_PER_TEST: '1' },
                  testTimeout: 60_000,
                  hookTimeout: 120_000,
                },
              },
            ]
          : []),
      ],
    },
  });
}
