import type { FleetEvent } from '../../src-shared/channels.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import { openOrm } from '../../src-main/db/orm.ts';
import { createRouter, type Router } from '../../src-main/ipc/router.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { SessionStore } from '../../src-main/services/sessions.ts';
import type { TestDatabase } from './database.ts';
import { passwords, testEnvironment } from './services.ts';

/** Another console on the same database: its own connection pool, sessions and router. */
export interface SecondConsole {
  router: Router;
  /** A slot of this console already signed in as the user. */
  slotFor(user: { id: string; role: Role; organizationId: string }): SessionSlot;
  close(): Promise<void>;
}

export async function secondConsole(
  db: TestDatabase,
  options: { emit?: (event: FleetEvent) => void } = {},
): Promise<SecondConsole> {
  const orm = await openOrm(db.url);
  const sessions = new SessionStore();
  const router = createRouter({
    em: orm.em,
    passwords: passwords(),
    sessions,
    logError: () => undefined,
    environment: testEnvironment(db.url),
    ...(options.emit ? { emit: options.emit } : {}),
  });
  return {
    router,
    slotFor: (user) => ({ sessionId: sessions.create(user) }),
    close: () => orm.close(true),
  };
}
