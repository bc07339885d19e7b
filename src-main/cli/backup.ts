import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../db/transfer/operations.ts';
import { maskUrl } from '../db/connection.ts';
import { audited } from './audited-operation.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';

await runCli(async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new Error('usage: npm run db:backup -- FILE');
  const file = resolve(target);
  const current = await currentDatabase();
  try {
    const report = await audited(
      {
        action: 'database.backup',
        recordIn: current.url,
        targetType: 'file',
        targetId: file,
        details: { from: maskUrl(current.url) },
        urls: [current.url],
        counts: ({ tables, rows, bytes }) => ({ tables, rows, bytes }),
      },
      () =>
        backupDatabase(current.url, file, (p) => {
          if (p.sections === p.sectionsTotal || p.sections % 500 === 0)
            process.stderr.write(`tables ${p.sections}/${p.sectionsTotal}, ${p.rows} rows\n`);
        }),
    );
    console.log(
      `backed up ${maskUrl(current.url)} to ${report.file}: ${report.tables} tables, ` +
        `${report.rows.toLocaleString('en')} rows, ${(report.bytes / 1024).toFixed(0)} KiB`,
    );
    return 0;
  } finally {
    await current.release();
  }
});
