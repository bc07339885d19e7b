import pg from 'pg';
import type { FleetChange } from '../../src-shared/channels.ts';
import { parseChange } from '../../src-shared/domain/events.ts';

/** The PostgreSQL NOTIFY channel every committed write is announced on. */
export const CHANGE_CHANNEL = 'fleet_changes';
/** Spoken by public migration 7's triggers whenever users or who they belong to change. */
export const IDENTITY_CHANNEL = 'fleet_identity';
/** Spoken by public migration 8's trigger whenever an organization row changes or goes. */
export const ORGANIZATION_CHANNEL = 'fleet_organizations';
/** Spoken by public migration 13's trigger whenever a session ends or changes (not when it is used). */
export const SESSIONS_CHANNEL = 'fleet_sessions';

/** The listening connection's application_name. */
export const LISTENER_NAME = 'fleetprompt changes';

/** How often the listening connection is asked whether it is still there, and how long it may take. */
const HEARTBEAT_MS = 1_000;

/** At most one log line per this long about refused notifications: a flood must not fill the disk. */
const REFUSED_LOG_MS = 60_000;

export interface ChangeListener {
  close(): Promise<void>;
}

export interface ChangeHandlers {
  onChange(change: FleetChange): void;
  onReconnect(): void;
  /** Users, or an organization's name, billing status or existence, changed. */
  onIdentityChange?(): void;
  /** An organization row changed or went, whatever changed it. */
  onOrganizationChange?(): void;
  /** A session ended or changed (re-authenticated), on any console. */
  onSessionChange?(): void;
  /** Whether notifications are being heard right now: false from the moment the connection is in doubt. */
  onHearing?(hearing: boolean): void;
  log(message: string): void;
}

/**
 * One dedicated connection LISTENing for the writes of every console on the
 * database. A lost connection is opened again (backing off up to 5 s), and
 * `onReconnect` then says that changes may have been missed meanwhile. A
 * heartbeat query each second finds a connection that died without saying
 * so: one unanswered for a second counts as lost.
 */
export function listenForChanges(url: string, handlers: ChangeHandlers): ChangeListener {
  let closed = false;
  let client: pg.Client | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let refused = 0;
  let refusedLoggedAt = -Infinity;

  /** Any role that may connect can NOTIFY: what is not a change of ours is dropped, and counted. */
  const refuse = () => {
    refused += 1;
    const now = Date.now();
    if (now - refusedLoggedAt < REFUSED_LOG_MS) return;
    handlers.log(
      `dropped ${refused} change notification(s) that are not the console's (unknown fields, kinds or ids); another role on the server may be sending them`,
    );
    refused = 0;
    refusedLoggedAt = now;
  };

  const hearing = (on: boolean) => handlers.onHearing?.(on);

  const connect = async (again: boolean) => {
    if (closed) return;
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      // found by name in pg_stat_activity (operators, and the test that stops it)
      application_name: LISTENER_NAME,
    });
    client = next;
    const retry = () => {
      if (closed || client !== next) return;
      hearing(false);
      client = null;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      next.removeAllListeners();
      next.on('error', () => undefined);
      void next.end().catch(() => undefined);
      attempt += 1;
      timer = setTimeout(() => void connect(true), Math.min(5_000, 250 * 2 ** attempt));
      timer.unref();
    };
    next.on('error', retry);
    next.on('end', retry);
    next.on('notification', (message) => {
      if (message.channel === IDENTITY_CHANNEL) {
        handlers.onIdentityChange?.();
        return;
      }
      if (message.channel === ORGANIZATION_CHANNEL) {
        handlers.onOrganizationChange?.();
        return;
      }
      if (message.channel === SESSIONS_CHANNEL) {
        handlers.onSessionChange?.();
        return;
      }
      if (message.channel !== CHANGE_CHANNEL) return;
      const change = parseChange(message.payload ?? '');
      if (change) handlers.onChange(change);
      else refuse();
    });
    try {
      await next.connect();
      await next.query(
        `listen ${CHANGE_CHANNEL}; listen ${IDENTITY_CHANNEL}; listen ${ORGANIZATION_CHANNEL}; listen ${SESSIONS_CHANNEL}`,
      );
      if (client !== next) return;
      attempt = 0;
      let answered = true;
      heartbeat = setInterval(() => {
        if (!answered) {
          handlers.log('the change listener stopped answering; connecting again');
          retry();
          return;
        }
        answered = false;
        next.query('select 1').then(
          () => {
            answered = true;
          },
          () => undefined,
        );
      }, HEARTBEAT_MS);
      heartbeat.unref();
      hearing(true);
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
      hearing(false);
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      const current = client;
      client = null;
      current?.removeAllListeners();
      current?.on('error', () => undefined);
      await current?.end().catch(() => undefined);
    },
  };
}
