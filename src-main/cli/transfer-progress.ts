import type { TransferProgress } from '../../src-shared/channels.ts';

/**
 * Progress of a move or restore on a terminal: one line rewritten in place
 * on a TTY, otherwise a line per tenth of the tenants (logs stay readable).
 */
export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
): (p: TransferProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const seconds = p.elapsedMs / 1000;
    const rate = seconds > 0 ? Math.round(p.rows / seconds) : 0;
    const line =
      `${p.phase}: tenants ${p.tenantsDone}/${p.tenantsTotal}, ` +
      `${p.rows.toLocaleString('en')} rows, ${rate.toLocaleString('en')} rows/s`;
    if (stream.isTTY) {
      stream.write(`\r${line}\u001b[K${p.phase === 'done' ? '\n' : ''}`);
      return;
    }
    const tenth = p.tenantsTotal ? Math.floor((p.tenantsDone / p.tenantsTotal) * 10) : 10;
    if (p.phase !== 'copying' || tenth !== lastTenth) stream.write(`${line}\n`);
    lastTenth = tenth;
  };
}
