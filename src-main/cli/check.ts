import { parseArgs } from 'node:util';
import type { StructureReport } from '../../src-shared/contract.ts';
import { maskUrl } from '../db/connection.ts';
import { openOrm } from '../db/orm.ts';
import { checkStructure, repairStructure } from '../db/structure/operations.ts';
import { COMMAND_LINE } from '../services/actors.ts';
import { created, outcome, recordAudit } from '../services/audit.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';

/*
 * `npm run db:check [-- --repair] [--json]`: every tenant schema against
 * the structure its level should produce, and the catalog's health. Exits
 * 1 when a tenant has drifted (after --repair: when drift is left) or a
 * schema has no organization.
 */

const MB = 2 ** 20;

function printReport(report: StructureReport): void {
  const drifted = report.drifted.reduce((n, drift) => n + drift.tenants.length, 0);
  console.log(
    `checked ${report.tenants.toLocaleString('en')} tenants in ${report.elapsedMs} ms: ` +
      (drifted === 0 ? 'no drift' : `${drifted} drifted`),
  );
  if (!report.structureTriggers)
    console.log(
      'structure triggers missing: every check reads every schema; ' +
        'a superuser installs them: npm run db:install-triggers -- URL',
    );
  for (const drift of report.drifted) {
    for (const tenant of drift.tenants) console.log(`\n${tenant.schema} (level ${drift.level}):`);
    for (const difference of drift.differences) console.log(`  ${difference}`);
    if (drift.repair.length > 0) {
      console.log('  safe repair (db:check --repair):');
      for (const statement of drift.repair) console.log(`    ${statement};`);
    }
  }
  for (const schema of report.orphanSchemas) console.log(`\nschema ${schema}: no organization`);
  const { catalog } = report;
  console.log('\ncatalog:');
  for (const advice of catalog.advice)
    console.log(`  [${advice.level}] ${advice.figure}: ${advice.message}`);
  console.log('  largest tenants (planner statistics):');
  for (const tenant of catalog.largestTenants)
    console.log(
      `    ${tenant.slug.padEnd(40)} ${(tenant.bytes / MB).toFixed(1).padStart(9)} MB ` +
        `${Math.round(tenant.rows).toLocaleString('en').padStart(12)} rows ${(tenant.share * 100).toFixed(1).padStart(5)} %`,
    );
}

const hasDrift = (report: Pick<StructureReport, 'drifted' | 'orphanSchemas'>) =>
  report.drifted.length > 0 || report.orphanSchemas.length > 0;

await runCli(async () => {
  const { values } = parseArgs({
    options: { repair: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const current = await currentDatabase();
  const orm = await openOrm(current.url, { poolMax: 2 });
  try {
    if ((await orm.migrator.getPending()).length > 0)
      throw new Error(
        `${maskUrl(current.url)} is not at this release's level: run npm run db:migrate first`,
      );
    const report = await checkStructure(orm.em);
    if (!values.repair) {
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else printReport(report);
      return hasDrift(report) ? 1 : 0;
    }
    const ids = report.drifted.flatMap((drift) => drift.tenants.map((t) => t.organizationId));
    const result =
      ids.length > 0
        ? await repairStructure(orm.em, ids)
        : { repaired: [], failed: [], remaining: [] };
    await recordAudit(orm.em.fork(), COMMAND_LINE, {
      action: 'tenancy.repair',
      organizationId: null,
      targetType: 'tenants',
      targetId: null,
      changes: {
        ...created({
          asked: ids.length,
          repaired: result.repaired.map((t) => ({ slug: t.slug, statements: t.statements })),
          failed: result.failed.map((t) => ({ slug: t.slug, message: t.message })),
        }),
        ...outcome(),
      },
    });
    const after = { ...report, drifted: result.remaining };
    if (values.json) console.log(JSON.stringify({ ...after, repair: result }, null, 2));
    else {
      for (const tenant of result.repaired)
        console.log(`repaired ${tenant.slug}: ${tenant.statements.length} statement(s)`);
      for (const tenant of result.failed)
        console.log(`could not repair ${tenant.slug}: ${tenant.message}`);
      printReport(after);
    }
    return hasDrift(after) ? 1 : 0;
  } finally {
    await orm.close(true);
    await current.release();
  }
});
