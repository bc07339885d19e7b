import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { MigrationProgress } from '../../src-shared/channels.ts';
import { rollbackTenants, type FanOutResult } from '../db/fan-out.ts';
import { runCanary, runWaves, type StepReport } from '../db/rollout.ts';
import { openRuntime } from '../runtime.ts';
import { COMMAND_LINE } from '../services/actors.ts';
import { created, outcome, recordAudit } from '../services/audit.ts';
import { runCli } from './run-cli.ts';

const USAGE =
  'usage: npm run db:migrate [-- --skip-backup | --down-to LEVEL [--tenants SLUG,…] | ' +
  '--canary SLUG[,SLUG…] | --canary-count N | --waves N [--max-failures K]]';

/** What the operator types to migrate the embedded database without the backup start-up takes. */
const SKIP_BACKUP_CONFIRMATION = 'migrate without a backup';

/** Prints how far a pass over the tenants has come, once per percent. */
function progressPrinter(verb: string): (progress: MigrationProgress) => void {
  let last = -1;
  return ({ done, total }) => {
    const percent = Math.floor((done / total) * 100);
    if (percent !== last || done === total) console.log(`tenants ${verb}: ${done}/${total}`);
    last = percent;
  };
}

/** Names each failed tenant; the exit code. */
function reportFailures({ failed }: FanOutResult): number {
  if (failed.length === 0) return 0;
  console.log(`\n${failed.length} tenant(s) failed:`);
  for (const f of failed) console.log(`  ${f.schema}: ${f.message}`);
  return 1;
}

/**
 * `--skip-backup`: start-up's backup failed and the operator goes on
 * without one; asked on the terminal, never assumed.
 */
async function confirmSkippingBackup(): Promise<void> {
  if (!process.stdin.isTTY)
    throw new Error('--skip-backup asks for a confirmation: run it in a terminal.');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(
      'The database will be migrated WITHOUT the backup taken before migrations.\n' +
        `Type "${SKIP_BACKUP_CONFIRMATION}" to go on: `,
    );
    if (answer.trim() !== SKIP_BACKUP_CONFIRMATION)
      throw new Error('Not confirmed: nothing was migrated.');
  } finally {
    prompt.close();
  }
}

/** Start-up's migrations: public, then every tenant behind. */
async function migrateUp(skipBackup: boolean): Promise<number> {
  if (skipBackup) await confirmSkippingBackup();
  const runtime = await openRuntime({ onProgress: progressPrinter('migrated'), skipBackup });
  try {
    if (runtime.backup)
      console.log(`backed up the database before migrating it: ${runtime.backup}`);
    const { total, migrated } = runtime.startup;
    if (runtime.rolloutInProgress) {
      console.log(
        'public schema up to date; a rollout is in progress: the tenants behind are left to it (continue with --waves N)',
      );
      return 0;
    }
    console.log(
      `public schema up to date; ${total === 0 ? 'every tenant was already up to date' : `${migrated}/${total} tenants migrated`}`,
    );
    return reportFailures(runtime.startup);
  } finally {
    await runtime.close();
  }
}

/**
 * `--down-to LEVEL`: tenants above LEVEL (among `--tenants`, if given) are
 * taken back to it, and nothing is migrated up first. One audit row says
 * what was asked and how it ended.
 */
async function rollBack(to: number, slugs: string[] | undefined): Promise<number> {
  const runtime = await openRuntime({ migrateTenants: false });
  try {
    const asked = { downTo: to, tenants: slugs ?? 'all' };
    let result: FanOutResult;
    try {
      result = await rollbackTenants(runtime.orm.em, {
        to,
        ...(slugs ? { slugs } : {}),
        onProgress: progressPrinter('rolled back'),
      });
    } catch (error) {
      await recordRollback(
        runtime.orm.em,
        asked,
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    }
    await recordRollback(runtime.orm.em, {
      ...asked,
      total: result.total,
      rolledBack: result.migrated,
      failed: result.failed.map((f) => f.slug),
    });
    console.log(
      result.total === 0
        ? `every tenant asked for was already at level ${to} or below`
        : `${result.migrated}/${result.total} tenants rolled back to level ${to}`,
    );
    return reportFailures(result);
  } finally {
    await runtime.close();
  }
}

async function recordRollback(
  em: Parameters<typeof rollbackTenants>[0],
  details: Record<string, unknown>,
  error?: string,
): Promise<void> {
  await recordAudit(em.fork(), COMMAND_LINE, {
    action: 'tenancy.rollback',
    organizationId: null,
    targetType: 'tenancy',
    targetId: null,
    changes: { ...created(details), ...outcome(error) },
  });
}

/**
 * `--canary` and `--waves`: a rollout's next step, after public is
 * migrated (the tenants themselves are left to the rollout).
 */
async function rollOut(step: {
  canary?: { slugs: string[] } | { count: number };
  waves?: number;
  maxFailures: number;
}): Promise<number> {
  const runtime = await openRuntime({ migrateTenants: false });
  try {
    const em = runtime.orm.em;
    const options = { maxFailures: step.maxFailures, onProgress: progressPrinter('migrated') };
    const steps: StepReport[] = [];
    let stoppedAt: number | null = null;
    let finished = false;
    if (step.canary) steps.push(await runCanary(em, step.canary, options));
    if (step.waves !== undefined) {
      const report = await runWaves(em, step.waves, options);
      steps.push(...report.steps);
      ({ stoppedAt, finished } = report);
    }
    for (const { wave, result } of steps) {
      const name = wave === 0 ? 'canary' : `wave ${wave}`;
      console.log(`${name}: ${result.migrated}/${result.total} tenants migrated`);
      for (const f of result.failed) console.log(`  failed ${f.schema}: ${f.message}`);
    }
    await recordAudit(em.fork(), COMMAND_LINE, {
      action: 'tenancy.migrateAll',
      organizationId: null,
      targetType: 'tenancy',
      targetId: null,
      changes: {
        ...created({
          rollout: step.canary ? 'canary' : 'waves',
          migrated: steps.reduce((n, s) => n + s.result.migrated, 0),
          failed: steps.flatMap((s) => s.result.failed.map((f) => f.slug)),
        }),
        ...outcome(stoppedAt === null ? undefined : `stopped at wave ${stoppedAt}`),
      },
    });
    if (stoppedAt !== null) {
      console.log(
        `the rollout stopped at wave ${stoppedAt}: more than ${step.maxFailures} tenant(s) failed; fix them and run --waves again to continue`,
      );
      return 1;
    }
    console.log(
      finished
        ? 'the rollout is finished: every tenant is up to date'
        : 'the rollout waits: continue with --waves N',
    );
    return steps.some((s) => s.result.failed.length > 0) ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

/** A whole number option, or a usage error. */
function count(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${option} takes a whole number: ${USAGE}`);
  return Number(text);
}

/** LEVEL as a whole number, or a usage error. */
function level(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--down-to takes a level (a whole number): ${USAGE}`);
  return Number(text);
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      'down-to': { type: 'string' },
      tenants: { type: 'string' },
      'skip-backup': { type: 'boolean', default: false },
      canary: { type: 'string' },
      'canary-count': { type: 'string' },
      waves: { type: 'string' },
      'max-failures': { type: 'string' },
    },
  });
  const rollout =
    values.canary !== undefined ||
    values['canary-count'] !== undefined ||
    values.waves !== undefined;
  if (rollout) {
    if (values['down-to'] !== undefined || values['skip-backup'] || values.tenants !== undefined)
      throw new Error(
        `--canary and --waves go without --down-to, --tenants or --skip-backup: ${USAGE}`,
      );
    if (values.canary !== undefined && values['canary-count'] !== undefined)
      throw new Error(`--canary or --canary-count, not both: ${USAGE}`);
    const canary =
      values.canary !== undefined
        ? { slugs: values.canary.split(',').map((slug) => slug.trim()) }
        : values['canary-count'] !== undefined
          ? { count: count('--canary-count', values['canary-count']) }
          : undefined;
    return rollOut({
      ...(canary ? { canary } : {}),
      ...(values.waves !== undefined ? { waves: count('--waves', values.waves) } : {}),
      maxFailures:
        values['max-failures'] !== undefined ? count('--max-failures', values['max-failures']) : 0,
    });
  }
  if (values['max-failures'] !== undefined)
    throw new Error(`--max-failures goes with --waves: ${USAGE}`);
  if (values['down-to'] === undefined) {
    if (values.tenants !== undefined) throw new Error(`--tenants goes with --down-to: ${USAGE}`);
    return migrateUp(values['skip-backup']);
  }
  if (values['skip-backup']) throw new Error(`--skip-backup goes without --down-to: ${USAGE}`);
  const slugs = values.tenants?.split(',').map((slug) => slug.trim());
  return rollBack(level(values['down-to']), slugs);
});
