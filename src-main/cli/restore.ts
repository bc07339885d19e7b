import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rollbackTransfer } from '../db/transfer/copy-into.ts';
import { restoreArchive } from '../db/transfer/operations.ts';
import { maskUrl } from '../db/connection.ts';
import { audited } from './audited-operation.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';
import { terminalProgress } from './transfer-progress.ts';

const USAGE = 'usage: npm run db:restore -- FILE [--to postgres://…] [--resume | --rollback]';

await runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      resume: { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
    },
  });
  const [archive] = positionals;
  if (!archive || positionals.length > 1) throw new Error(USAGE);
  // without --to: the console's own database, which must then be empty
  const current = values.to ? null : await currentDatabase();
  const to = values.to ?? current?.url ?? '';
  try {
    if (values.rollback) {
      const { source, schemas } = await rollbackTransfer(to);
      console.log(
        `rolled back the unfinished restore of ${source} (${schemas} tenant schemas removed)`,
      );
      return 0;
    }
    console.log(`restoring ${resolve(archive)} into ${maskUrl(to)}`);
    // recorded in the database restored into (audited-operation.ts says why)
    const report = await audited(
      {
        action: 'database.restore',
        recordIn: to,
        targetType: 'database',
        targetId: maskUrl(to),
        details: { file: resolve(archive) },
        urls: [to],
        counts: ({ tenants, tables, rows }) => ({ tenants, tables, rows }),
      },
      () =>
        restoreArchive(resolve(archive), to, {
          resume: values.resume,
          onProgress: terminalProgress(),
        }),
    );
    console.log(
      `restored and verified: ${report.tenants} tenants, ${report.tables} tables, ` +
        `${report.rows.toLocaleString('en')} rows in ${report.seconds.toFixed(1)} s`,
    );
    return 0;
  } finally {
    await current?.release();
  }
});
