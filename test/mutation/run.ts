import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/*
 * npm run test:mutation [-- module… --stryker-flag…]: StrykerJS over each module in turn
 * (stryker.<module>.config.json), then one line per module: its score and
 * how long its run took. Each run is incremental (reports/stryker-
 * incremental-<module>.json): only mutants whose code or covering tests
 * changed are tested again. Not part of npm test; docs/testing.md says
 * what the figures mean.
 */

const MODULES = ['domain', 'throttle', 'registry', 'transfer', 'transfer-db'] as const;
type Module = (typeof MODULES)[number];

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Detected / (detected + undetected), as Stryker counts its mutation score. */
function score(module: Module): string {
  const file = `reports/stryker-incremental-${module}.json`;
  if (!existsSync(file)) return 'no report';
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const statuses = Object.values(report.files).flatMap((f) => f.mutants.map((m) => m.status));
  const detected = statuses.filter((s) => DETECTED.has(s)).length;
  const undetected = statuses.filter((s) => UNDETECTED.has(s)).length;
  const percent = ((100 * detected) / Math.max(1, detected + undetected)).toFixed(1);
  return `${percent} % (${detected} of ${detected + undetected} mutants detected)`;
}

const args = process.argv.slice(2);
// flags go to each Stryker run as given (--force: test every mutant again, not only the changed ones)
const flags = args.filter((arg) => arg.startsWith('--'));
const asked = args.filter((arg) => !arg.startsWith('--'));
const unknown = asked.filter((name) => !(MODULES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown module ${unknown.join(', ')}: one of ${MODULES.join(', ')}`);
  process.exit(2);
}
const modules = asked.length > 0 ? (asked as Module[]) : MODULES;

const lines: string[] = [];
let failed = false;
for (const module of modules) {
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', `stryker.${module}.config.json`, ...flags], {
    stdio: 'inherit',
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  if (run.status !== 0) failed = true;
  lines.push(
    `${module.padEnd(11)} ${run.status === 0 ? score(module) : `stryker failed (${run.status})`}, ${seconds} s`,
  );
}
console.log(`\nmutation score per module:\n${lines.join('\n')}`);
process.exit(failed ? 1 : 0);
