import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelInput, ParsedInput } from '../../src-shared/contract.ts';
import { contract } from '../../src-shared/contract.ts';
import { createRouter, type Router } from '../../src-main/ipc/router.ts';
import {
  createPasswordHasher,
  type PasswordHasher,
} from '../../src-main/services/password-hasher.ts';
import { parseOrThrow } from '../../src-main/services/validation.ts';
import type { Environment, Invoke } from '../../src-main/services/work.ts';
import type { TestDatabase } from './database.ts';

let shared: PasswordHasher | null = null;

/** One worker pool per test file; bcrypt stays at the real cost of 12. */
export function passwords(): PasswordHasher {
  shared ??= createPasswordHasher();
  return shared;
}

/** What a test console says about itself (Settings). */
export function testEnvironment(databaseUrl: string): Environment {
  return {
    dataDir: mkdtempSync(join(tmpdir(), 'fleetprompt-settings-')),
    appVersion: 'test',
    databaseSource: 'DATABASE_URL',
    databaseUrl,
    superuser: true,
    startupBackup: null,
  };
}

const systems = new WeakMap<TestDatabase, Router>();

/** Channels called as the system on a test database: the same registrations, checks and audit. */
export function asSystem(db: TestDatabase): Invoke {
  let router = systems.get(db);
  if (!router) {
    router = createRouter({
      em: db.orm.em,
      passwords: passwords(),
      logError: () => undefined,
      environment: testEnvironment(db.url),
    });
    systems.set(db, router);
  }
  return router.system;
}

/** Parses raw input with the channel's contract schema, as the registry does. */
export function input<C extends Channel>(channel: C, raw: ChannelInput<C>): ParsedInput<C> {
  return parseOrThrow(contract[channel].input, raw) as ParsedInput<C>;
}
