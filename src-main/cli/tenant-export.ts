import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { maskUrl } from '../db/connection.ts';
import { checkTenantArchive } from '../db/transfer/tenant-archive.ts';
import { exportTenant } from '../db/transfer/tenant-export.ts';
import { writeFileWith } from '../files/file-target.ts';
import { APP_VERSION } from '../version.ts';
import { audited } from './audited-operation.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';

const USAGE = 'usage: npm run tenant:export -- SLUG FILE';

await runCli(async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const [slug, target] = positionals;
  if (!slug || !target || positionals.length > 2) throw new Error(USAGE);
  const file = resolve(target);
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`${file} exists: name a new file.`);
  const current = await currentDatabase();
  try {
    const report = await audited(
      {
        action: 'organizations.export',
        recordIn: current.url,
        targetType: 'file',
        targetId: file,
        details: { from: maskUrl(current.url), slug },
        urls: [current.url],
        counts: ({ sections, rows, bytes }) => ({ tables: sections, rows, bytes }),
      },
      async () => {
        let written = { slug, sections: 0, rows: 0 };
        // written beside the file and renamed once complete: a cut-short export never looks like one
        const bytes = await writeFileWith(
          file,
          async (out) => {
            written = await exportTenant(current.url, slug, out, { app: APP_VERSION });
          },
          { replace: true },
        );
        // read back whole: every section's hash and count, as an import will check them
        await checkTenantArchive(file);
        return { ...written, bytes };
      },
    );
    console.log(
      `exported organization ${slug} to ${file} and read it back: ${report.sections} tables, ` +
        `${report.rows.toLocaleString('en')} rows, ${(report.bytes / 1024).toFixed(0)} KiB`,
    );
    return 0;
  } finally {
    await current.release();
  }
});
