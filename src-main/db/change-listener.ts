import pg from 'pg';
import type { FleetChange } from '../../src-shared/channels.ts';

/** The PostgreSQL NOTIFY channel every committed write is announced on. */
export const CHANGE_CHANNEL = 'fleet_changes';

export interface ChangeListener {
  close(): Promise<void>;
}

/**
 * One dedicated connection LISTENing for the writes of every console on the
 * database. A lost connection is opened again (backing off up to 5 s), and
 * `onReconnect` then says that changes may have been missed meanwhile.
 */
export function listenForChanges(
  url: string,
  handlers: {
    onChange(change: FleetChange): void;
    onReconnect(): void;
    log(message: string): void;
  },
): ChangeListener {
  let closed = false;
  let client: pg.Client | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (again: boolean) => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client = next;
    const retry = () => {
      if (closed || client !== next) return;
      client = null;
      next.removeAllListeners();
      void next.end().catch(() => undefined);
      attempt += 1;
      timer = setTimeout(() => void connect(true), Math.min(5_000, 250 * 2 ** attempt));
      timer.unref();
    };
    next.on('error', retry);
    next.on('end', retry);
    next.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      try {
        handlers.onChange(JSON.parse(message.payload) as FleetChange);
      } catch {
        handlers.log('ignored a malformed change notification');
      }
    });
    try {
      await next.connect();
      await next.query(`listen ${CHANGE_CHANNEL}`);
      attempt = 0;
      if (again) {
        handlers.log('listening for changes again');
        handlers.onReconnect();
      }
    } catch {
      retry();
    }
  };
  void connect(false);

  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      current?.removeAllListeners();
      current?.on('error', () => undefined);
      await current?.end().catch(() => undefined);
    },
  };
}
