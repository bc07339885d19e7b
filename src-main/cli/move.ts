import { parseArgs } from 'node:util';
import { writeStoredSettings, readStoredSettings } from '../db/saved-settings.ts';
import { rollbackTransfer } from '../db/transfer/copy-into.ts';
import { moveDatabase } from '../db/transfer/operations.ts';
import { maskUrl } from '../db/connection.ts';
import { audited } from './audited-operation.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';
import { terminalProgress } from './transfer-progress.ts';

const USAGE =
  'usage: npm run db:move -- --to postgres://user:password@host/database [--into-existing] [--switch] [--resume | --rollback]';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      to: { type: 'string' },
      switch: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
      'into-existing': { type: 'boolean', default: false },
    },
  });
  if (!values.to) throw new Error(`--to is required\n${USAGE}`);
  const to = values.to;
  const current = await currentDatabase();
  try {
    if (values.rollback) {
      // the row a cut-off move could not leave (audited-operation.ts): its end is this rollback
      const { source, schemas } = await audited(
        {
          action: 'database.move',
          recordIn: current.url,
          targetType: 'database',
          targetId: maskUrl(to),
          details: { from: maskUrl(current.url), rollback: true },
          urls: [current.url, to],
          counts: ({ schemas }) => ({ schemasRemoved: schemas }),
        },
        () => rollbackTransfer(to),
      );
      console.log(
        `rolled back the unfinished copy of ${source} (${schemas} tenant schemas removed)`,
      );
      return 0;
    }
    console.log(`moving ${maskUrl(current.url)} (${current.source}) to ${maskUrl(to)}`);
    const move = async () => {
      const report = await moveDatabase(current.url, to, {
        resume: values.resume,
        intoExisting: values['into-existing'],
        onProgress: terminalProgress(),
      });
      console.log(
        `moved and verified: ${report.tenants} tenants, ${report.tables} tables, ` +
          `${report.rows.toLocaleString('en')} rows in ${report.seconds.toFixed(1)} s; the source is unchanged`,
      );
      if (values.switch) {
        const settings = await readStoredSettings(current.dataDir);
        await writeStoredSettings(current.dataDir, {
          ...settings,
          database: { mode: 'url', url: to },
        });
        console.log('the console now uses the new server (from its next start)');
      } else {
        console.log('to use it, run again with --switch, or pick it in Settings → Database');
      }
      return report;
    };
    // recorded in the database moved from, the switch included
    await audited(
      {
        action: 'database.move',
        recordIn: current.url,
        targetType: 'database',
        targetId: maskUrl(to),
        details: { from: maskUrl(current.url), switch: values.switch },
        urls: [current.url, to],
        copyOf: to,
        counts: ({ tenants, tables, rows }) => ({ tenants, tables, rows }),
      },
      move,
    );
    return 0;
  } finally {
    await current.release();
  }
});
