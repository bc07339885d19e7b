import type { FleetEvent } from '../../src-shared/channels.ts';
import { listenForChanges } from '../../src-main/db/change-listener.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import { SignedInCache } from '../../src-main/identity/signed-in-cache.ts';
import { createRouter, type Router } from '../../src-main/ipc/router.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import type { TestDatabase } from './database.ts';
import { passwords, testEnvironment } from './services.ts';

/**
 * Another console on the same database: its own connection pool, router
 * and, as in the app, its own cache of sessions and users kept while it
 * hears the database's changes.
 */
export interface SecondConsole {
  router: Router;
  /** A slot of this console already signed in as the user (the password just entered). */
  slotFor(user: { id: string }): Promise<SessionSlot>;
  close(): Promise<void>;
}

export async function secondConsole(
  db: TestDatabase,
  options: { emit?: (event: FleetEvent) => void; now?: () => number } = {},
): Promise<SecondConsole> {
  const orm = await openOrm(db.url);
  const signedIn = new SignedInCache();
  const listener = listenForChanges(db.url, {
    onChange: () => undefined,
    onReconnect: () => undefined,
    ...signedIn.listening,
    log: () => undefined,
  });
  await signedIn.heard();
  const router = createRouter({
    em: orm.em,
    passwords: passwords(),
    logError: () => undefined,
    environment: testEnvironment(db.url),
    signedIn,
    ...(options.emit ? { emit: options.emit } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    router,
    slotFor: async (user) => ({
      sessionId: await orm.em
        .fork()
        .transactional((tx) => router.sessions.open(tx, user.id, 'headless')),
    }),
    close: async () => {
      await listener.close();
      await orm.close(true);
    },
  };
}
