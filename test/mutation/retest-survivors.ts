import { readFileSync, writeFileSync } from 'node:fs';

/*
 * node test/mutation/retest-survivors.ts <module>: forgets the surviving
 * (and uncovered) mutants of reports/stryker-incremental-<module>.json, so
 * that the next incremental run tests them again, and them only. Stryker
 * tests a mutant again only when its code or its covering tests changed: a
 * static mutant (evaluated when its module loads) has no covering test, and
 * a new test for it would otherwise go unnoticed; --force would test them all.
 */

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

const module = process.argv[2];
if (!module) {
  console.error('usage: node test/mutation/retest-survivors.ts <module>');
  process.exit(2);
}
const file = `reports/stryker-incremental-${module}.json`;
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
let forgotten = 0;
for (const entry of Object.values(report.files)) {
  const kept = entry.mutants.filter((m) => m.status !== 'Survived' && m.status !== 'NoCoverage');
  forgotten += entry.mutants.length - kept.length;
  entry.mutants = kept;
}
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`${file}: ${forgotten} surviving or uncovered mutants will be tested again`);
