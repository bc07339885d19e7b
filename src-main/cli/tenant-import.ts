import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { maskUrl } from '../db/connection.ts';
import { printable } from '../db/transfer/printable.ts';
import { importTenant } from '../db/transfer/tenant-import.ts';
import { audited } from './audited-operation.ts';
import { currentDatabase } from './current-database.ts';
import { runCli } from './run-cli.ts';
import { terminalProgress } from './transfer-progress.ts';

const USAGE = 'usage: npm run tenant:import -- FILE [--as NEW-SLUG] [--to postgres://…]';

await runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { as: { type: 'string' }, to: { type: 'string' } },
  });
  const [archive] = positionals;
  if (!archive || positionals.length > 1) throw new Error(USAGE);
  const file = resolve(archive);
  // without --to: the console's own database
  const current = values.to ? null : await currentDatabase();
  const to = values.to ?? current?.url ?? '';
  try {
    console.log(
      `importing ${file} into ${maskUrl(to)}${values.as ? ` as a clone, ${values.as}` : ''}`,
    );
    const report = await audited(
      {
        action: 'organizations.import',
        recordIn: to,
        targetType: 'organization',
        targetId: values.as ?? null,
        details: { file, ...(values.as ? { as: values.as } : {}) },
        urls: [to],
        counts: ({ users, agents, tables, rows }) => ({ users, agents, tables, rows }),
        organizationOf: (r) => r.organizationId,
      },
      () =>
        importTenant(file, to, {
          ...(values.as ? { as: values.as } : {}),
          onProgress: terminalProgress(),
        }),
    );
    console.log(
      `imported and verified ${report.clone ? 'a clone, ' : ''}"${printable(report.name)}" (${report.slug}): ` +
        `${report.users} users, ${report.agents} agents, ${report.tables} tables, ` +
        `${report.rows.toLocaleString('en')} rows in ${report.seconds.toFixed(2)} s`,
    );
    if (report.clone)
      console.log(
        `its users are unconfirmed, each email made unique as local+${report.slug}@domain: confirm those who need to sign in`,
      );
    return 0;
  } finally {
    await current?.release();
  }
});
