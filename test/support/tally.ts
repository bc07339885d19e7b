import { appendFileSync, mkdirSync } from 'node:fs';

/*
 * Counts of generated cases, appended by test files and summed by the
 * reporter at the end of the run (each file runs in its own worker). Each
 * is recorded after the assertions about it passed: a count is of cases
 * that held. A named entry is counted once per distinct name.
 */
const FILE = process.env.FLEETPROMPT_TALLY ?? 'test-results/tally.ndjson';

function record(kind: string, name?: string): void {
  mkdirSync('test-results', { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(name === undefined ? { kind } : { kind, name })}\n`);
}

export const recordMatrixCase = () => record('matrix');
export const recordBadInputCase = () => record('bad-input');
/** One fault scenario survived; repeating a scenario (a kill in a loop) does not count again. */
export const recordFault = (scenario: string) => record('fault', scenario);
export const recordConcurrentScenario = () => record('concurrency');
/** One fuzzed input answered as its oracle expected: refused with VALIDATION, or not INTERNAL. */
export const recordFuzzed = (expected: 'must-refuse' | 'may-pass') =>
  record(expected === 'must-refuse' ? 'fuzz-must-refuse' : 'fuzz-may-pass');
export const recordFuzzSeed = (seed: number) => record('fuzz-seed', String(seed));
