import { listenForChanges, type ChangeListener } from '../../src-main/db/change-listener.ts';
import type { FleetChange } from '../../src-shared/channels.ts';

/**
 * A second console's ear on the database: the changes it hears, from the
 * moment its LISTEN is in place (resolved then, not after a guessed delay)
 * until `listener.close()`.
 */
export async function listening(
  url: string,
): Promise<{ heard: FleetChange[]; listener: ChangeListener }> {
  const heard: FleetChange[] = [];
  let ready = () => {};
  const listens = new Promise<void>((resolve) => (ready = resolve));
  const listener = listenForChanges(url, {
    onChange: (change) => heard.push(change),
    onHearing: (hearing) => hearing && ready(),
    onReconnect: () => undefined,
    log: () => undefined,
  });
  await listens;
  return { heard, listener };
}
