import { defineConfig } from 'vitest/config';

/*
 * The test files a mutation run (StrykerJS, npm run test:mutation) may
 * start for one module: those that can kill its mutants, and no slower
 * ones. Stryker runs them one at a time (maxWorkers 1) in a sandbox copy of
 * the repository, and only those that covered a mutant for each mutant.
 */

export interface MutationTests {
  /** Test files of test/unit (node). */
  unit?: string[];
  /** Test files of test/integration (node, a PostgreSQL server from global-setup). */
  integration?: string[];
}

export function mutationConfig({ unit = [], integration = [] }: MutationTests) {
  return defineConfig({
    test: {
      reporters: ['dot'],
      projects: [
        ...(unit.length > 0
          ? [{ test: { name: 'unit', include: unit, environment: 'node' as const } }]
          : []),
        ...(integration.length > 0
          ? [
              {
                test: {
                  name: 'integration',
                  include: integration,
                  environment: 'node' as const,
                  globalSetup: ['test/support/global-setup.ts'],
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
