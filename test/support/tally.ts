import { appendFileSync, mkdirSync } from 'node:fs';

/*
 * Counts of generated cases, appended by test files and summed by the
 * reporter at the end of the run (each file runs in its own worker).
 */
const FILE = process.env.FLEETPROMPT_TALLY ?? 'test-results/tally.ndjson';

function record(kind: string): void {
  mkdirSync('test-results', { recursive: true });
  appendFileSync(FILE, `${JSON.stringify({ kind })}\n`);
}

export const recordMatrixCase = () => record('matrix');
export const recordBadInputCase = () => record('bad-input');
export const recordFault = () => record('fault');
export const recordConcurrentScenario = () => record('concurrency');
export const recordFuzzed = (wronglyAccepted: boolean) =>
  record(wronglyAccepted ? 'fuzz-wrongly-accepted' : 'fuzz');
