import { performance } from 'node:perf_hooks';
import { listenForChanges } from '../src-main/db/change-listener.ts';

/**
 * B9's second console: listens on the database the bench writes to and
 * prints, per change heard, its id and the wall-clock time it arrived.
 */
const url = process.argv[2];
if (!url) throw new Error('usage: change-listener-child.ts <database url>');
listenForChanges(url, {
  onChange: (change) =>
    process.stdout.write(
      `${JSON.stringify({ id: change.id, at: performance.timeOrigin + performance.now() })}\n`,
    ),
  onReconnect: () => undefined,
  log: () => undefined,
});
setInterval(() => undefined, 60_000);
