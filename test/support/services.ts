import type { ParsedInput, Channel, ChannelInput } from '../../src-shared/contract.ts';
import { contract } from '../../src-shared/contract.ts';
import { SYSTEM_ACTOR, type Actor, type ServiceContext } from '../../src-main/services/context.ts';
import {
  createPasswordHasher,
  type PasswordHasher,
} from '../../src-main/services/password-hasher.ts';
import { parseOrThrow } from '../../src-main/services/validation.ts';
import type { TestDatabase } from './database.ts';

let shared: PasswordHasher | null = null;

/** One worker pool per test file; bcrypt stays at the real cost of 12. */
export function passwords(): PasswordHasher {
  shared ??= createPasswordHasher();
  return shared;
}

export function contextFor(db: TestDatabase, actor: Actor = SYSTEM_ACTOR): ServiceContext {
  return { em: db.orm.em, actor, passwords: passwords() };
}

/** Parses raw input with the channel's contract schema, as the router does. */
export function input<C extends Channel>(channel: C, raw: ChannelInput<C>): ParsedInput<C> {
  return parseOrThrow(contract[channel].input, raw) as ParsedInput<C>;
}
